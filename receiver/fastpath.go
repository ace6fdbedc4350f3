package receiver

import (
	"bytes"
	"encoding/json"
)

// The strict fast path: Monasca-shaped bodies decode in one pass into typed
// pointers. Anything it cannot vouch for goes to the detailed validator,
// which explains what is wrong.

type wireNotification struct {
	AlarmID           *string       `json:"alarm_id"`
	AlarmDefinitionID *string       `json:"alarm_definition_id"`
	AlarmName         *string       `json:"alarm_name"`
	AlarmDescription  *string       `json:"alarm_description"`
	AlarmTimestamp    *int64        `json:"alarm_timestamp"`
	State             *string       `json:"state"`
	OldState          *string       `json:"old_state"`
	Message           *string       `json:"message"`
	TenantID          *string       `json:"tenant_id"`
	Metrics           *[]wireMetric `json:"metrics"`
}

type wireMetric struct {
	ID         *string            `json:"id"`
	Name       *string            `json:"name"`
	Dimensions *map[string]string `json:"dimensions"`
}

// exactKeys are the key spellings the body must contain: encoding/json
// matches field names case-insensitively, Monasca does not.
var exactKeys = func() [][]byte {
	var out [][]byte
	for _, k := range notificationKeys {
		out = append(out, []byte(`"`+k+`"`))
	}
	return out
}()

var metricKeys = [][]byte{[]byte(`"name"`), []byte(`"dimensions"`)}

// fastValidate returns the notification when body is exactly Monasca's
// shape, and ok=false when the detailed validator must look.
func fastValidate(body []byte) (*Notification, bool) {
	var w wireNotification
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if dec.Decode(&w) != nil || dec.More() {
		return nil, false
	}
	if w.AlarmID == nil || w.AlarmDefinitionID == nil || w.AlarmName == nil || w.AlarmDescription == nil ||
		w.AlarmTimestamp == nil || w.State == nil || w.OldState == nil || w.Message == nil ||
		w.TenantID == nil || w.Metrics == nil {
		return nil, false
	}
	if !validStates[*w.State] || !validStates[*w.OldState] || *w.AlarmTimestamp > 1e11 {
		return nil, false
	}
	for _, k := range exactKeys {
		if !bytes.Contains(body, k) {
			return nil, false
		}
	}
	n := &Notification{
		AlarmID: *w.AlarmID, AlarmDefinitionID: *w.AlarmDefinitionID, AlarmName: *w.AlarmName,
		AlarmDescription: *w.AlarmDescription, AlarmTimestamp: *w.AlarmTimestamp, State: *w.State,
		OldState: *w.OldState, Message: *w.Message, TenantID: *w.TenantID,
		Metrics: make([]NotificationMetric, len(*w.Metrics)),
	}
	if len(*w.Metrics) > 0 {
		for _, k := range metricKeys {
			if !bytes.Contains(body, k) {
				return nil, false
			}
		}
	}
	for i, m := range *w.Metrics {
		if m.Name == nil || m.Dimensions == nil {
			return nil, false
		}
		n.Metrics[i] = NotificationMetric{ID: m.ID, Name: *m.Name, Dimensions: *m.Dimensions}
	}
	return n, true
}
