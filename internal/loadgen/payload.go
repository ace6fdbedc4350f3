package loadgen

import (
	"fmt"
	"time"
)

// Notification returns the i-th Monasca-shaped webhook body, exactly the ten
// keys and types monasca-notification sends (reference/monasca-api.md §7),
// alternating ALARM and OK so consumers see realistic transitions.
func Notification(i int) []byte {
	state, old := "ALARM", "OK"
	msg := "Thresholds were exceeded for the sub-alarms: avg(cpu.idle_perc{hostname=h%d}) < 10.0 with the values: [4.25]"
	if i%2 == 1 {
		state, old = "OK", "ALARM"
		msg = "The alarm threshold(s) have not been exceeded for the sub-alarms: avg(cpu.idle_perc{hostname=h%d}) < 10.0 with the values: [97.5]"
	}
	host := i % 16
	return fmt.Appendf(nil,
		`{"alarm_id":"20a54a65-%08x-4d2a-9c1e-3f8e2a1b7c%02d","alarm_definition_id":"78ce7b53-1f2e-4c3d-8a9b-0c1d2e3f4a5b",`+
			`"alarm_name":"monhook-load-cpu","alarm_description":"","alarm_timestamp":%d,"state":%q,"old_state":%q,`+
			`"message":%q,"tenant_id":"62f7a7a3b0c94a2e8f6d5c4b3a291807",`+
			`"metrics":[{"id":null,"name":"cpu.idle_perc","dimensions":{"hostname":"h%d"}}]}`,
		i, host, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix()+int64(i), state, old, fmt.Sprintf(msg, host), host)
}
