package webhook

import (
	"slices"

	"github.com/monhook/monhook/pyjson"
)

// Keys are the body's ten keys in the order the plugin builds its dict,
// which simplejson keeps.
var Keys = [10]string{
	"alarm_id", "alarm_definition_id", "alarm_name", "alarm_description",
	"alarm_timestamp", "state", "old_state", "message", "tenant_id", "metrics",
}

// Origin is who reported the state change; it decides the shape of the
// "metrics" entries, the only part of the body that differs.
type Origin int

const (
	// FromThresh is the threshold engine: monasca-thresh serialises the Java
	// MetricDefinition, whose inherited id is null: {"id": null, "name", "dimensions"}.
	FromThresh Origin = iota
	// FromAPI is a state change through PATCH/PUT /v2.0/alarms/{id}: the API
	// builds {"name", "dimensions"} without an id, and the message is APIReason.
	FromAPI
)

// APIReason is the message of a state change made through the API.
const APIReason = "Alarm state updated via API"

// Dimension is one name=value pair; a slice of them keeps the order the
// event carried (a Python dict is ordered).
type Dimension struct {
	Key, Value string
}

// SortedDimensions turns a map into dimensions ordered by key.
func SortedDimensions(m map[string]string) []Dimension {
	ds := make([]Dimension, 0, len(m))
	for k, v := range m {
		ds = append(ds, Dimension{k, v})
	}
	slices.SortFunc(ds, func(a, b Dimension) int {
		switch {
		case a.Key < b.Key:
			return -1
		case a.Key > b.Key:
			return 1
		}
		return 0
	})
	return ds
}

// Metric is one entry of "metrics".
type Metric struct {
	Name       string
	Dimensions []Dimension
}

// Body is the webhook body: what monasca-notification posts for one
// notification method and one alarm state transition.
type Body struct {
	AlarmID           string
	AlarmDefinitionID string
	AlarmName         string
	AlarmDescription  string
	// AlarmTimestamp is in seconds: the plugin sends int(timestamp_ms / 1000).
	AlarmTimestamp int64
	State          string
	OldState       string
	// Message is the engine's stateChangeReason (see ThreshReason, APIReason).
	Message  string
	TenantID string
	Metrics  []Metric
	// Origin is not a key of the body: it selects the metrics' shape.
	Origin Origin
}

// Encode returns the body exactly as the last releases' plugin posts it:
// simplejson.dumps(body) with default arguments.
func (b Body) Encode() []byte { return b.EncodeAs(SimpleJSON) }

// EncodeAs returns the body as the plugin of a release with that encoder
// posts it.
func (b Body) EncodeAs(enc Encoding) []byte {
	metrics := make([]any, 0, len(b.Metrics))
	for _, m := range b.Metrics {
		dims := make(pyjson.Object, 0, len(m.Dimensions))
		for _, d := range m.Dimensions {
			dims = append(dims, pyjson.Member{Key: d.Key, Value: d.Value})
		}
		entry := pyjson.Object{{Key: "name", Value: m.Name}, {Key: "dimensions", Value: dims}}
		if b.Origin == FromThresh {
			entry = append(pyjson.Object{{Key: "id", Value: nil}}, entry...)
		}
		metrics = append(metrics, entry)
	}
	values := [10]any{
		b.AlarmID, b.AlarmDefinitionID, b.AlarmName, b.AlarmDescription,
		b.AlarmTimestamp, b.State, b.OldState, b.Message, b.TenantID, metrics,
	}
	obj := make(pyjson.Object, len(Keys))
	for i, k := range Keys {
		obj[i] = pyjson.Member{Key: k, Value: values[i]}
	}
	out, err := pyjson.MarshalDialect(obj, enc.dialect())
	if err != nil {
		// Every value above is a type pyjson encodes.
		panic("webhook: " + err.Error())
	}
	return out
}
