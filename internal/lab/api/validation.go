package api

import (
	"encoding/json"
	"fmt"
	"strings"
)

// The lab's own port of monasca_common/validation/metrics.py. Messages are
// written after that module; their exact text is UNVERIFIED beyond the
// reference, clients should rely on the status code.

const (
	invalidChars     = `<>={},"\;&`
	invalidNameChars = invalidChars + "() "
	maxNameLen       = 255
)

func validateMetricName(name string) error {
	switch {
	case name == "":
		return wireErr("Metric name must not be empty")
	case len([]rune(name)) > maxNameLen:
		return wireErr("Metric name %s must be 255 characters or less", name)
	case strings.ContainsAny(name, invalidNameChars):
		return wireErr("Invalid characters in metric name %s", name)
	}
	return nil
}

func validateDimensionKey(k string) error {
	switch {
	case k == "":
		return wireErr("Dimension key must not be empty")
	case len([]rune(k)) > maxNameLen:
		return wireErr("Dimension key %s must be 255 characters or less", k)
	case k[0] == '_':
		return wireErr("Dimension key %s may not start with '_'", k)
	case strings.ContainsAny(k, invalidChars):
		return wireErr("Invalid characters in dimension name %s", k)
	}
	return nil
}

func validateDimensionValue(k, v string) error {
	switch {
	case v == "":
		return wireErr("Dimension value for key %s must not be empty", k)
	case len([]rune(v)) > maxNameLen:
		return wireErr("Dimension value %s for key %s must be 255 characters or less", v, k)
	case strings.ContainsAny(v, invalidChars):
		return wireErr("Invalid characters in dimension value %s for key %s", v, k)
	}
	return nil
}

// queryDimensions is helpers.get_query_dimensions plus
// validate_query_dimensions: "k:v,k2:v2|v3,k3" (a bare key matches any
// value; "|" separates alternatives). Bad input is 422.
func (q *request) queryDimensions(param string) (map[string][]string, error) {
	s, ok := q.query(param)
	if !ok {
		return nil, nil
	}
	dims := map[string][]string{}
	for _, item := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(item, ":")
		if err := validateDimensionKey(k); err != nil {
			return nil, unprocessable(err.Error())
		}
		var vals []string
		if v != "" {
			vals = strings.Split(v, "|")
			for _, x := range vals {
				if err := validateDimensionValue(k, x); err != nil {
					return nil, unprocessable(err.Error())
				}
			}
		}
		dims[k] = vals
	}
	return dims, nil
}

// validateValueMeta checks value_meta: at most 16 entries, non-empty keys
// of at most 255 characters, JSON encoding at most 2048 characters.
func validateValueMeta(vm map[string]any) (map[string]string, error) {
	if len(vm) > 16 {
		return nil, wireErr("Too many valueMeta entries %d, limit is 16", len(vm))
	}
	out := make(map[string]string, len(vm))
	for k, v := range vm {
		if k == "" {
			return nil, wireErr("valueMeta name cannot be empty")
		}
		if len([]rune(k)) > maxNameLen {
			return nil, wireErr("valueMeta name %s must be 255 characters or less", k)
		}
		s, ok := v.(string)
		if !ok {
			b, _ := json.Marshal(v)
			s = string(b)
		}
		out[k] = s
	}
	if b, _ := json.Marshal(vm); len(b) > 2048 {
		return nil, wireErr("valueMeta name value combinations must be 2048 characters or less")
	}
	return out, nil
}

// wireError is a validation failure whose text is Monasca's description,
// capitalised as on the wire.
type wireError string

func (e wireError) Error() string { return string(e) }

func wireErr(format string, args ...any) error { return wireError(fmt.Sprintf(format, args...)) }
