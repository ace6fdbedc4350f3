package notifier

import (
	"encoding/json"

	"github.com/monhook/monhook/internal/lab/model"
)

// apiReason is the stateChangeReason of a state set through the API.
const apiReason = "Alarm state updated via API"

// payload is the webhook body: exactly the ten keys monasca-notification's
// webhook plugin sends, in its order.
type payload struct {
	AlarmID           string   `json:"alarm_id"`
	AlarmDefinitionID string   `json:"alarm_definition_id"`
	AlarmName         string   `json:"alarm_name"`
	AlarmDescription  string   `json:"alarm_description"`
	AlarmTimestamp    int64    `json:"alarm_timestamp"` // integer seconds
	State             string   `json:"state"`
	OldState          string   `json:"old_state"`
	Message           string   `json:"message"`
	TenantID          string   `json:"tenant_id"`
	Metrics           []metric `json:"metrics"`
}

// metric is an entry of "metrics". Events from monasca-thresh carry the Java
// MetricDefinition's null id; events from the API's manual state change do
// not have the key at all, and monasca-notification passes both through.
type metric struct {
	ID         *string           `json:"id"`
	Name       string            `json:"name"`
	Dimensions map[string]string `json:"dimensions"`
}

type apiMetric struct {
	Name       string            `json:"name"`
	Dimensions map[string]string `json:"dimensions"`
}

// Body encodes the webhook body for a transition.
func Body(t model.Transition) ([]byte, error) {
	p := payload{
		AlarmID:           t.AlarmID,
		AlarmDefinitionID: t.DefinitionID,
		AlarmName:         t.AlarmName,
		AlarmDescription:  t.AlarmDescription,
		AlarmTimestamp:    t.Timestamp.UnixMilli() / 1000, // int(timestamp_ms / 1000)
		State:             t.NewState,
		OldState:          t.OldState,
		Message:           t.Reason,
		TenantID:          t.TenantID,
		Metrics:           make([]metric, 0, len(t.Metrics)),
	}
	for _, m := range t.Metrics {
		dims := m.Dimensions
		if dims == nil {
			dims = map[string]string{}
		}
		p.Metrics = append(p.Metrics, metric{Name: m.Name, Dimensions: dims})
	}
	if t.Reason != apiReason {
		return json.Marshal(p)
	}
	// Same keys, but metrics without "id".
	api := struct {
		payload
		Metrics []apiMetric `json:"metrics"`
	}{payload: p, Metrics: make([]apiMetric, 0, len(p.Metrics))}
	for _, m := range p.Metrics {
		api.Metrics = append(api.Metrics, apiMetric{Name: m.Name, Dimensions: m.Dimensions})
	}
	return json.Marshal(api)
}
