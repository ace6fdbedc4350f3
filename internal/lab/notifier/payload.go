package notifier

import (
	"maps"
	"slices"

	"github.com/monhook/monhook/internal/lab/model"
)

// apiReason is the stateChangeReason of a state set through the API.
const apiReason = "Alarm state updated via API"

// Body encodes the webhook body for a transition: exactly the ten keys of
// monasca-notification's webhook plugin, in the order its dict literal
// gives them (webhook_notifier.py send_notification), as json.dumps writes
// them (see pyjson.go).
//
// "metrics" is passed through from the event: entries from monasca-thresh
// carry the Java MetricDefinition's null id first, then name and dimensions;
// entries from the API's manual state change have no "id" key at all.
// Dimensions are written in key order (the order the lab stores them in;
// the real order is whatever the event carried).
func Body(t model.Transition) []byte {
	o := newPyObject(make([]byte, 0, 512))
	o.str("alarm_id", t.AlarmID)
	o.str("alarm_definition_id", t.DefinitionID)
	o.str("alarm_name", t.AlarmName)
	o.str("alarm_description", t.AlarmDescription)
	o.int("alarm_timestamp", t.Timestamp.UnixMilli()/1000) // int(timestamp_ms / 1000.0)
	o.str("state", t.NewState)
	o.str("old_state", t.OldState)
	o.str("message", t.Reason)
	o.str("tenant_id", t.TenantID)
	o.key("metrics")
	o.dst = append(o.dst, '[')
	for i, m := range t.Metrics {
		if i > 0 {
			o.dst = append(o.dst, ',', ' ')
		}
		mo := newPyObject(o.dst)
		if t.Reason != apiReason {
			mo.null("id")
		}
		mo.str("name", m.Name)
		mo.key("dimensions")
		do := newPyObject(mo.dst)
		for _, k := range slices.Sorted(maps.Keys(m.Dimensions)) {
			do.str(k, m.Dimensions[k])
		}
		mo.dst = do.end()
		o.dst = mo.end()
	}
	o.dst = append(o.dst, ']')
	return o.end()
}
