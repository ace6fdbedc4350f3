package receiver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
)

// Notification is the body monasca-notification's webhook plugin posts:
// exactly ten keys (reference/monasca-api.md §7).
type Notification struct {
	AlarmID           string               `json:"alarm_id"`
	AlarmDefinitionID string               `json:"alarm_definition_id"`
	AlarmName         string               `json:"alarm_name"`
	AlarmDescription  string               `json:"alarm_description"`
	AlarmTimestamp    int64                `json:"alarm_timestamp"` // seconds, not ms
	State             string               `json:"state"`
	OldState          string               `json:"old_state"`
	Message           string               `json:"message"`
	TenantID          string               `json:"tenant_id"`
	Metrics           []NotificationMetric `json:"metrics"`
}

// NotificationMetric is one entry of Notification.Metrics. Events from
// monasca-thresh carry "id": null, hence the pointer.
type NotificationMetric struct {
	ID         *string           `json:"id"`
	Name       string            `json:"name"`
	Dimensions map[string]string `json:"dimensions"`
}

// Finding is one way a body departs from Monasca's shape. A finding never
// drops a delivery; it explains it.
type Finding struct {
	Code   string `json:"code"` // one of the Finding* constants
	Key    string `json:"key,omitempty"`
	Detail string `json:"detail"`
}

// Finding codes.
const (
	FindingNotObject   = "not-object"
	FindingMissingKey  = "missing-key"
	FindingExtraKey    = "extra-key"
	FindingWrongType   = "wrong-type"
	FindingBadValue    = "bad-value"
	FindingContentType = "content-type"
	FindingNotSaved    = "not-saved" // Options.Persist failed; answered 503
)

// ErrMalformed is wrapped by Validate when the body is not JSON at all.
var ErrMalformed = errors.New("body is not JSON")

// notificationKeys is the order Monasca documents; findings follow it so
// that output is stable.
var notificationKeys = [...]string{
	"alarm_id", "alarm_definition_id", "alarm_name", "alarm_description",
	"alarm_timestamp", "state", "old_state", "message", "tenant_id", "metrics",
}

var validStates = map[string]bool{"ALARM": true, "OK": true, "UNDETERMINED": true}

// Validate checks body against the Monasca webhook shape. It returns an error
// (wrapping ErrMalformed) only when body is not JSON. Otherwise it returns
// whatever could be decoded — nil when the body is not a JSON object — and
// one Finding per departure: missing or extra keys, wrong types
// (alarm_timestamp must be an integer, metrics a list of objects with a name
// and string-valued dimensions), unknown states.
func Validate(body []byte) (*Notification, []Finding, error) {
	if n, ok := fastValidate(body); ok {
		return n, nil, nil
	}
	return validateDetailed(body)
}

// validateDetailed is Validate without the fast path: slower, and able to
// say what is wrong.
func validateDetailed(body []byte) (*Notification, []Finding, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		if !json.Valid(body) {
			return nil, nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		return nil, []Finding{{Code: FindingNotObject, Detail: "body is " + kindOf(bytes.TrimSpace(body)) + ", want an object with ten keys"}}, nil
	}
	if top == nil { // the literal null
		return nil, []Finding{{Code: FindingNotObject, Detail: "body is null, want an object with ten keys"}}, nil
	}
	v := validator{n: &Notification{}}
	v.str(top, "alarm_id", &v.n.AlarmID)
	v.str(top, "alarm_definition_id", &v.n.AlarmDefinitionID)
	v.str(top, "alarm_name", &v.n.AlarmName)
	v.str(top, "alarm_description", &v.n.AlarmDescription)
	v.timestamp(top)
	v.state(top, "state", &v.n.State)
	v.state(top, "old_state", &v.n.OldState)
	v.str(top, "message", &v.n.Message)
	v.str(top, "tenant_id", &v.n.TenantID)
	v.metrics(top)
	if len(top) > len(notificationKeys) || len(v.findings) > 0 {
		v.extraKeys(top)
	}
	return v.n, v.findings, nil
}

type validator struct {
	n        *Notification
	findings []Finding
}

func (v *validator) add(code, key, format string, args ...any) {
	v.findings = append(v.findings, Finding{Code: code, Key: key, Detail: fmt.Sprintf(format, args...)})
}

// field returns the raw value of key, recording a missing-key finding.
func (v *validator) field(top map[string]json.RawMessage, key string) (json.RawMessage, bool) {
	raw, ok := top[key]
	if !ok {
		v.add(FindingMissingKey, key, "key %q is missing", key)
	}
	return raw, ok
}

func (v *validator) str(top map[string]json.RawMessage, key string, dst *string) bool {
	raw, ok := v.field(top, key)
	if !ok {
		return false
	}
	if kind := kindOf(raw); kind != "a string" {
		v.add(FindingWrongType, key, "%s is %s, want a string", key, kind)
		return false
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		v.add(FindingWrongType, key, "%s: %v", key, err)
		return false
	}
	return true
}

func (v *validator) state(top map[string]json.RawMessage, key string, dst *string) {
	if v.str(top, key, dst) && !validStates[*dst] {
		v.add(FindingBadValue, key, "%s is %q, want ALARM, OK or UNDETERMINED", key, *dst)
	}
}

func (v *validator) timestamp(top map[string]json.RawMessage) {
	const key = "alarm_timestamp"
	raw, ok := v.field(top, key)
	if !ok {
		return
	}
	if kind := kindOf(raw); kind != "a number" {
		v.add(FindingWrongType, key, "%s is %s, want an integer (seconds)", key, kind)
		return
	}
	ts, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		v.add(FindingWrongType, key, "%s is %s, want an integer (seconds)", key, raw)
		return
	}
	v.n.AlarmTimestamp = ts
	// Monasca divides the engine's milliseconds by 1000; a 13-digit value
	// means a sender forgot to.
	if ts > 1e11 {
		v.add(FindingBadValue, key, "%s is %d, which looks like milliseconds; Monasca sends seconds", key, ts)
	}
}

func (v *validator) metrics(top map[string]json.RawMessage) {
	const key = "metrics"
	raw, ok := v.field(top, key)
	if !ok {
		return
	}
	if kind := kindOf(raw); kind != "a list" {
		v.add(FindingWrongType, key, "%s is %s, want a list of objects", key, kind)
		return
	}
	var entries []json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil {
		v.add(FindingWrongType, key, "%s: %v", key, err)
		return
	}
	v.n.Metrics = make([]NotificationMetric, 0, len(entries))
	for i, e := range entries {
		v.metric(fmt.Sprintf("metrics[%d]", i), e)
	}
}

func (v *validator) metric(key string, raw json.RawMessage) {
	var fields map[string]json.RawMessage
	if kind := kindOf(raw); kind != "an object" {
		v.add(FindingWrongType, key, "%s is %s, want an object", key, kind)
		return
	}
	if err := json.Unmarshal(raw, &fields); err != nil {
		v.add(FindingWrongType, key, "%s: %v", key, err)
		return
	}
	var m NotificationMetric
	if idRaw, ok := fields["id"]; ok {
		switch kindOf(idRaw) {
		case "null":
		case "a string":
			var id string
			_ = json.Unmarshal(idRaw, &id) // kindOf checked it is a string
			m.ID = &id
		default:
			v.add(FindingWrongType, key+".id", "%s.id is %s, want null or a string", key, kindOf(idRaw))
		}
	}
	if nameRaw, ok := fields["name"]; !ok {
		v.add(FindingMissingKey, key+".name", "key %q is missing", key+".name")
	} else if kindOf(nameRaw) != "a string" {
		v.add(FindingWrongType, key+".name", "%s.name is %s, want a string", key, kindOf(nameRaw))
	} else {
		_ = json.Unmarshal(nameRaw, &m.Name)
	}
	if dimRaw, ok := fields["dimensions"]; !ok {
		v.add(FindingMissingKey, key+".dimensions", "key %q is missing", key+".dimensions")
	} else if kindOf(dimRaw) != "an object" {
		v.add(FindingWrongType, key+".dimensions", "%s.dimensions is %s, want an object of strings", key, kindOf(dimRaw))
	} else if err := json.Unmarshal(dimRaw, &m.Dimensions); err != nil {
		v.add(FindingWrongType, key+".dimensions", "%s.dimensions must map strings to strings: %v", key, err)
	}
	var extra []string
	for k := range fields {
		if k != "id" && k != "name" && k != "dimensions" {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		v.add(FindingExtraKey, key+"."+k, "unexpected key %q in %s", k, key)
	}
	v.n.Metrics = append(v.n.Metrics, m)
}

func (v *validator) extraKeys(top map[string]json.RawMessage) {
	var extra []string
	for k := range top {
		known := false
		for _, want := range notificationKeys {
			if k == want {
				known = true
				break
			}
		}
		if !known {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		v.add(FindingExtraKey, k, "unexpected key %q; Monasca sends exactly ten keys", k)
	}
}

// kindOf names the JSON type of an already-valid raw value by its first byte.
func kindOf(raw []byte) string {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return "empty"
	}
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "a list"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}
