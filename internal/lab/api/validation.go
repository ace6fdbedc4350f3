package api

import (
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/monhook/monhook/pyjson"
)

// The lab's own port of monasca_common/validation/metrics.py (the last
// release before the repository's retirement): the same checks in the same
// order, and the same messages, which the API returns as the description
// of its 422.

const (
	invalidChars     = `<>={},"\;&`
	invalidNameChars = invalidChars + "() "
	maxNameLen       = 255
	maxValueMeta     = 16
	maxValueMetaLen  = 2048
)

func validateMetricName(name string) error {
	switch n := pyjson.Len(name); {
	case n > maxNameLen || n < 1:
		return wireErr("invalid length for metric name: %s", name)
	case strings.ContainsAny(name, invalidNameChars):
		return wireErr("invalid characters in metric name: %s", name)
	}
	return nil
}

func validateDimensionKey(k string) error {
	switch n := pyjson.Len(k); {
	case n > maxNameLen || n < 1:
		return wireErr("invalid length (%d) for dimension key %s", n, k)
	case strings.ContainsAny(k, invalidChars) || k[0] == '_':
		return wireErr("invalid characters in dimension key %s", k)
	}
	return nil
}

func validateDimensionValue(k, v string) error {
	switch n := pyjson.Len(v); {
	case n > maxNameLen || n < 1:
		return wireErr("invalid length (%d) for dimension value %s from key %s", n, v, k)
	case strings.ContainsAny(v, invalidChars):
		return wireErr("invalid characters in dimension value %s from key %s", v, k)
	}
	return nil
}

// pyTypeError is how Python words an operation on the wrong type; the
// metric checks surface these texts unchanged.
func notSubscriptable(v any) error {
	switch v.(type) {
	case string:
		return wireErr("string indices must be integers, not 'str'")
	case []any:
		return wireErr("list indices must be integers or slices, not str")
	}
	return wireErr("'%s' object is not subscriptable", pyjson.TypeName(v))
}

func noItems(v any) error { return wireErr("'%s' object has no attribute 'items'", pyjson.TypeName(v)) }

// validateMetricBody is validate(metrics): a list is validated item by item
// (an empty list is fine), anything else as one metric.
func validateMetricBody(body any) error {
	if l, ok := body.([]any); ok {
		for _, m := range l {
			if err := validateMetric(m); err != nil {
				return err
			}
		}
		return nil
	}
	return validateMetric(body)
}

// validateMetric is validate_metric: the name first, then value,
// timestamp, dimensions and value_meta, whose errors gain ": for metric
// <name>".
func validateMetric(v any) error {
	obj, ok := v.(pyjson.Object)
	if !ok {
		return notSubscriptable(v)
	}
	nameV, ok := obj.Get("name")
	if !ok {
		return wireErr("'name'") // str(KeyError('name'))
	}
	name, ok := nameV.(string)
	if !ok {
		return wireErr("invalid metric name type: %s is not a string type ", pyjson.Str(nameV))
	}
	if err := validateMetricName(name); err != nil {
		return err
	}
	if err := validateMetricFields(obj); err != nil {
		msg := err.Error() + ": for metric " + name
		if _, isKey := err.(keyError); isKey {
			msg = pyjson.StrRepr(msg) // str() of a KeyError is repr() of its text
		}
		return wireErr("%s", msg)
	}
	return nil
}

// keyError is a KeyError's text, "'value'".
type keyError string

func (e keyError) Error() string { return string(e) }

func validateMetricFields(obj pyjson.Object) error {
	value, ok := obj.Get("value")
	if !ok {
		return keyError("'value'")
	}
	if err := validateValue(value); err != nil {
		return err
	}
	ts, ok := obj.Get("timestamp")
	if !ok {
		return keyError("'timestamp'")
	}
	if !isPyNumber(ts) {
		return wireErr("invalid timestamp type: %s is not a number type for metric", pyjson.Str(ts))
	}
	if dims, ok := obj.Get("dimensions"); ok {
		d, isDict := dims.(pyjson.Object)
		if !isDict {
			return noItems(dims)
		}
		for _, m := range d {
			if err := validateDimensionKey(m.Key); err != nil {
				return err
			}
			s, ok := m.Value.(string)
			if !ok {
				return wireErr("invalid dimension value type: %s must be a string (from key %s)", pyjson.Str(m.Value), m.Key)
			}
			if err := validateDimensionValue(m.Key, s); err != nil {
				return err
			}
		}
	}
	if vm, ok := obj.Get("value_meta"); ok {
		return validateValueMeta(vm)
	}
	return nil
}

// isPyNumber is isinstance(v, (int, float)); a bool is an int.
func isPyNumber(v any) bool {
	switch v.(type) {
	case bool, *big.Int, float64:
		return true
	}
	return false
}

// pyFloat is float(v) for a number; ok is false where Python overflows.
func pyFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, !math.IsInf(f, 0) // Python: OverflowError
	case float64:
		return x, true
	}
	return 0, false
}

func validateValue(v any) error {
	if !isPyNumber(v) {
		return wireErr("invalid value type: %s is not a number type for metric", pyjson.Str(v))
	}
	f, ok := pyFloat(v)
	if !ok {
		return wireErr("int too large to convert to float")
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return wireErr("invalid value: %s is not a valid value for metric", pyjson.Str(v))
	}
	return nil
}

// validateValueMeta is validate_value_meta: None is fine; then len() (a str
// or list passes it), .items(), the key checks, and the size of
// simplejson.dumps (ensure_ascii, ", " and ": ", no NaN since 3.19.1).
func validateValueMeta(vm any) error {
	var n int
	switch x := vm.(type) {
	case nil:
		return nil
	case string:
		n = pyjson.Len(x)
	case []any:
		n = len(x)
	case pyjson.Object:
		n = len(x)
	default:
		return wireErr("object of type '%s' has no len()", pyjson.TypeName(vm))
	}
	if n > maxValueMeta {
		return wireErr("Too many valueMeta entries %d, limit is %d: valueMeta %s", n, maxValueMeta, pyjson.Str(vm))
	}
	obj, ok := vm.(pyjson.Object)
	if !ok {
		return noItems(vm)
	}
	for _, m := range obj {
		if m.Key == "" {
			return wireErr("valueMeta name cannot be empty: key=, value=%s", pyjson.Str(m.Value))
		}
		if pyjson.Len(m.Key) > maxNameLen {
			return wireErr("valueMeta name too long: %s must be %d characters or less", m.Key, maxNameLen)
		}
	}
	text, err := pyjson.MarshalStrict(obj)
	if err != nil {
		return wireErr("Unable to serialize valueMeta into JSON")
	}
	if len(text) > maxValueMetaLen { // ensure_ascii: bytes are characters
		return wireErr("valueMeta name value combinations must be %d characters or less: valueMeta %s", maxValueMetaLen, pyjson.Str(obj))
	}
	return nil
}

// wireError is a validation failure whose text is Monasca's description.
type wireError string

func (e wireError) Error() string { return string(e) }

func wireErr(format string, args ...any) error { return wireError(fmt.Sprintf(format, args...)) }
