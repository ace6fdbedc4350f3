package notifier

import (
	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/internal/lab/pyjson"
)

// apiReason is the stateChangeReason of a state set through the API.
const apiReason = "Alarm state updated via API"

// Body encodes the webhook body for a transition: exactly the ten keys of
// monasca-notification's webhook plugin, in the order of its dict literal
// (webhook_notifier.py send_notification), as (simple)json.dumps writes
// them: ", " and ": " separators, ensure_ascii escapes. A receiver that signs
// or compares bytes sees in the lab what it sees in production.
//
// "metrics" is passed through from the event: entries from monasca-thresh
// carry the Java MetricDefinition's null id first, then name and
// dimensions; entries from the API's manual state change have no "id" key.
// Dimensions are written in key order (the real order is whatever the event
// carried).
func Body(t model.Transition) ([]byte, error) {
	metrics := make([]any, 0, len(t.Metrics))
	for _, m := range t.Metrics {
		dims := m.Dimensions
		if dims == nil {
			dims = map[string]string{}
		}
		entry := pyjson.Object{{Key: "id", Value: nil}, {Key: "name", Value: m.Name}, {Key: "dimensions", Value: dims}}
		if t.Reason == apiReason {
			entry = entry[1:]
		}
		metrics = append(metrics, entry)
	}
	return pyjson.Marshal(pyjson.Object{
		{Key: "alarm_id", Value: t.AlarmID},
		{Key: "alarm_definition_id", Value: t.DefinitionID},
		{Key: "alarm_name", Value: t.AlarmName},
		{Key: "alarm_description", Value: t.AlarmDescription},
		{Key: "alarm_timestamp", Value: t.Timestamp.UnixMilli() / 1000}, // int(timestamp_ms / 1000.0)
		{Key: "state", Value: t.NewState},
		{Key: "old_state", Value: t.OldState},
		{Key: "message", Value: t.Reason},
		{Key: "tenant_id", Value: t.TenantID},
		{Key: "metrics", Value: metrics},
	})
}
