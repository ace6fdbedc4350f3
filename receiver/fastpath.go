package receiver

import (
	"bytes"
	"encoding/json"
	"slices"
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
	if !exactKeys(body) {
		return nil, false
	}
	n := &Notification{
		AlarmID: *w.AlarmID, AlarmDefinitionID: *w.AlarmDefinitionID, AlarmName: *w.AlarmName,
		AlarmDescription: *w.AlarmDescription, AlarmTimestamp: *w.AlarmTimestamp, State: *w.State,
		OldState: *w.OldState, Message: *w.Message, TenantID: *w.TenantID,
		Metrics: make([]NotificationMetric, len(*w.Metrics)),
	}
	for i, m := range *w.Metrics {
		if m.Name == nil || m.Dimensions == nil {
			return nil, false
		}
		n.Metrics[i] = NotificationMetric{ID: m.ID, Name: *m.Name, Dimensions: *m.Dimensions}
	}
	return n, true
}

// exactKeys checks key spellings, which encoding/json matches
// case-insensitively and Monasca does not: the top-level object must have
// exactly the ten keys, once each, and metric entries (the only objects one
// level down, given the typed decode succeeded) only id, name, dimensions.
// body is known to be valid JSON. Keys with escapes go to the slow path.
func exactKeys(body []byte) bool {
	var (
		depth     int
		isObject  uint64 // bit d set: the container at depth d is an object
		expectKey bool
		seen      uint16
	)
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '{':
			depth++
			if depth >= 64 {
				return false
			}
			isObject |= 1 << depth
			expectKey = true
		case '[':
			depth++
			if depth >= 64 {
				return false
			}
			isObject &^= 1 << depth
			expectKey = false
		case '}', ']':
			depth--
			expectKey = false
		case ',':
			expectKey = isObject&(1<<depth) != 0
		case '"':
			j, escaped := i+1, false
			for ; j < len(body) && body[j] != '"'; j++ {
				if body[j] == '\\' {
					escaped = true
					j++
				}
			}
			if expectKey {
				if escaped {
					return false
				}
				key := string(body[i+1 : j])
				switch depth {
				case 1:
					k := slices.Index(notificationKeys[:], key)
					if k < 0 || seen&(1<<k) != 0 {
						return false
					}
					seen |= 1 << k
				case 3:
					if key != "id" && key != "name" && key != "dimensions" {
						return false
					}
				}
				expectKey = false
			}
			i = j
		}
	}
	return seen == 1<<len(notificationKeys)-1
}
