package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/monhook/monhook/pyjson"
)

// falconValue is one parameter as falcon's parse_query_string returns it:
// a string, or a list when the name repeats.
type falconValue struct {
	items []string
	list  bool
}

// falconParams is falcon.uri.parse_query_string(query_string) with falcon
// 4's defaults (keep_blank=False, csv=False), through which monasca-api's
// helpers and list handlers read their parameters: a blank value is
// dropped (so "offset=" is no offset, as if the parameter were missing),
// a comma is part of the value, and a repeated name collects a list.
// Every query parameter of the lab's GET handlers goes through it, except
// limit, which falcon's req.get_param reads with blanks kept.
type falconParams map[string]falconValue

func (q *request) falconParams() falconParams {
	p := falconParams{}
	if q.r.URL.RawQuery == "" {
		return p
	}
	for _, field := range strings.Split(q.r.URL.RawQuery, "&") {
		k, v, _ := strings.Cut(field, "=")
		if v == "" {
			continue
		}
		k, v = falconDecode(k), falconDecode(v)
		if old, seen := p[k]; seen {
			p[k] = falconValue{items: append(old.items, v), list: true}
		} else {
			p[k] = falconValue{items: []string{v}}
		}
	}
	return p
}

// falconDecode is falcon's uri.decode with unquote_plus: "+" is a space,
// each valid %XX escape a byte, a malformed escape stays as it is, and the
// bytes are read as UTF-8 with the replacement character for what is not.
func falconDecode(s string) string {
	if !strings.ContainsAny(s, "+%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// param is helpers.get_query_param without required: the value, or a
// list's first element.
func (p falconParams) param(name string) (string, bool) {
	v, ok := p[name]
	if !ok {
		return "", false
	}
	return v.items[0], true
}

// requiredParam is helpers.get_query_param with required=True.
func (p falconParams) requiredParam(name string) (string, error) {
	v, ok := p.param(name)
	if !ok {
		return "", unprocessable("Missing " + name)
	}
	return v, nil
}

// pyStrListRepr is Python's repr() of a list of strings.
func pyStrListRepr(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = pyjson.StrRepr(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// metricName is helpers.get_query_name followed by validate_query_name:
// "" when absent and not required, "Missing name" when required. A name
// given twice is a list, which monasca_common's validate_name refuses by
// type.
func (p falconParams) metricName(required bool) (string, error) {
	v, ok := p["name"]
	switch {
	case !ok && required:
		return "", unprocessable("Missing name")
	case !ok:
		return "", nil
	case v.list:
		return "", unprocessable(fmt.Sprintf("invalid metric name type: %s is not a string type ", pyStrListRepr(v.items)))
	}
	if err := validateMetricName(v.items[0]); err != nil {
		return "", unprocessable(err.Error())
	}
	return v.items[0], nil
}

// dimensions is helpers.get_query_dimensions followed by
// validate_query_dimensions (see rawDimensions). Bad input is 422.
func (p falconParams) dimensions(param string) (map[string][]string, error) {
	order, raw := p.rawDimensions(param)
	if order == nil {
		return nil, nil
	}
	for _, k := range order {
		if strings.HasPrefix(k, "_") {
			return nil, unprocessable(fmt.Sprintf("Dimension key %s may not start with '_'", k))
		}
		if err := validateDimensionKey(k); err != nil {
			return nil, unprocessable(err.Error())
		}
		if raw[k] == "" {
			continue
		}
		for _, x := range strings.Split(raw[k], "|") {
			if err := validateDimensionValue(k, x); err != nil {
				return nil, unprocessable(err.Error())
			}
		}
	}
	return splitDimensionValues(raw), nil
}

// unvalidatedDimensions is helpers.get_query_dimensions alone, as the
// alarm-definition list calls it: any key and value is a filter.
func (p falconParams) unvalidatedDimensions(param string) map[string][]string {
	_, raw := p.rawDimensions(param)
	if raw == nil {
		return nil
	}
	return splitDimensionValues(raw)
}

// rawDimensions is get_query_dimensions' dict: every value (each of a
// repeated parameter) is split on "," into "key:value" items, and a key
// given twice keeps its last value at its first place, as a Python dict
// does. validate_query_dimensions runs over the finished dict, so an
// overwritten value is never judged.
func (p falconParams) rawDimensions(param string) (order []string, raw map[string]string) {
	v, ok := p[param]
	if !ok {
		return nil, nil
	}
	raw = map[string]string{}
	for _, s := range v.items {
		for _, item := range strings.Split(s, ",") {
			k, val, _ := strings.Cut(item, ":")
			if _, seen := raw[k]; !seen {
				order = append(order, k)
			}
			raw[k] = val
		}
	}
	return order, raw
}

// splitDimensionValues turns the dict into filters: a bare key (or "key:")
// matches any value, "|" separates alternatives.
func splitDimensionValues(raw map[string]string) map[string][]string {
	dims := make(map[string][]string, len(raw))
	for k, v := range raw {
		if v == "" {
			dims[k] = nil
		} else {
			dims[k] = strings.Split(v, "|")
		}
	}
	return dims
}

// timestamp is helpers.get_query_starttime_timestamp (missing "Missing
// start time") and get_query_endtime_timestamp ("Missing end time"): the
// zero time when absent and not required. A repeated parameter is a list,
// which the date parser refuses by type (CPython's re wording).
func (p falconParams) timestamp(name string, required bool, missing string) (time.Time, error) {
	v, ok := p[name]
	switch {
	case !ok && required:
		return time.Time{}, unprocessable(missing)
	case !ok:
		return time.Time{}, nil
	case v.list:
		return time.Time{}, unprocessable("expected string or bytes-like object, got 'list'")
	}
	t, err := parseISOTime(v.items[0])
	if err != nil {
		return time.Time{}, unprocessable(err.Error())
	}
	return t, nil
}

// startTime and endTime are the two helpers as the handlers call them.
func (p falconParams) startTime(required bool) (time.Time, error) {
	return p.timestamp("start_time", required, "Missing start time")
}

func (p falconParams) endTime() (time.Time, error) {
	return p.timestamp("end_time", false, "Missing end time")
}

// validateStartEnd is helpers.validate_start_end_timestamps: only when
// end_time is given.
func validateStartEnd(start, end time.Time) error {
	if !end.IsZero() && !start.Before(end) {
		return &apiError{http.StatusBadRequest, titleBadRequestLower, "start_time must be before end_time"}
	}
	return nil
}

// mergeMetrics is metrics.get_merge_metrics_flag: helpers.str_2_bool is
// `s.lower() in ("true")`, a substring test against "true" (so "t",
// "RUE" and "true" merge; "yes", "1" and "True1" do not).
func (p falconParams) mergeMetrics() bool {
	s, ok := p.param("merge_metrics")
	return ok && strings.Contains("true", strings.ToLower(s))
}

// groupBy is helpers.get_query_group_by as the influxdb repository's
// _build_group_by_clause uses it: the values joined by "," and split into
// keys (blank keys dropped). nil when absent.
func (p falconParams) groupBy() []string {
	v, ok := p["group_by"]
	if !ok {
		return nil
	}
	keys := []string{}
	for _, item := range v.items {
		for _, k := range strings.Split(item, ",") {
			if k != "" {
				keys = append(keys, k)
			}
		}
	}
	return keys
}
