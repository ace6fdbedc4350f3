package notifier

import (
	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/webhook"
)

// Body encodes the webhook body for a transition with package webhook, the
// one description of the plugin's request that `monhook send` and the
// receiver's checks share: the ten keys in the plugin's order, as
// (simple)json.dumps writes them. A receiver that signs or compares bytes
// sees in the lab what it sees in production.
//
// "metrics" is passed through from the event: entries from monasca-thresh
// carry the Java MetricDefinition's null id first, then name and
// dimensions; entries from the API's manual state change have no "id" key.
// Dimensions are written in key order (the real order is whatever the event
// carried).
func Body(t model.Transition) ([]byte, error) { return BodyAs(t, webhook.SimpleJSON) }

// BodyAs is Body written with a release's encoder (webhook.Encoding).
func BodyAs(t model.Transition, enc webhook.Encoding) ([]byte, error) {
	b := webhook.Body{
		AlarmID:           t.AlarmID,
		AlarmDefinitionID: t.DefinitionID,
		AlarmName:         t.AlarmName,
		AlarmDescription:  t.AlarmDescription,
		AlarmTimestamp:    t.Timestamp.UnixMilli() / 1000, // int(timestamp_ms / 1000.0)
		State:             t.NewState,
		OldState:          t.OldState,
		Message:           t.Reason,
		TenantID:          t.TenantID,
		Metrics:           make([]webhook.Metric, 0, len(t.Metrics)),
	}
	if t.Reason == webhook.APIReason {
		b.Origin = webhook.FromAPI
	}
	for _, m := range t.Metrics {
		b.Metrics = append(b.Metrics, webhook.Metric{Name: m.Name, Dimensions: webhook.SortedDimensions(m.Dimensions)})
	}
	return b.EncodeAs(enc), nil
}
