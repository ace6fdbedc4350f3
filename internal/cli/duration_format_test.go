package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/receiver"
	"github.com/monhook/monhook/webhook"
)

// Measured latencies in listen's delivery lines and send's attempt lines
// are printed like check's stage timings (report.FormatDuration), not as
// raw durations with many digits such as 1.234567ms or 413µs.
func TestMeasuredLatenciesArePrintedLikeTheStageTimings(t *testing.T) {
	const latency = 1234567 * time.Nanosecond // raw: 1.234567ms
	for _, tc := range []struct {
		name, got, want string
	}{
		{"listen forward taken", deliveryLine(receiver.Delivery{ReceivedAt: time.Unix(0, 0), Status: 200, Remote: "r",
			Forward: &receiver.ForwardResult{Status: 200, Latency: latency}}, false), "forward 200 in 1.2ms"},
		{"listen forward failed", deliveryLine(receiver.Delivery{ReceivedAt: time.Unix(0, 0), Status: 502, Remote: "r",
			Forward: &receiver.ForwardResult{Error: "connection refused", Latency: 413 * time.Microsecond}}, false),
			"forward failed after 0.4ms: connection refused"},
		{"send attempt", attemptLine(1, 1, webhook.Attempt{Number: 1, Status: 200, Latency: 2345678901 * time.Nanosecond}),
			" 2.3s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(tc.got, tc.want) {
				t.Errorf("line %q lacks %q", tc.got, tc.want)
			}
			for _, raw := range []string{"µs", "1.234567ms", "1.235ms", "2.345678901s", "2.345679s"} {
				if strings.Contains(tc.got, raw) {
					t.Errorf("line %q holds a raw duration (%s)", tc.got, raw)
				}
			}
		})
	}
}
