package api_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// queryEnv holds two series of cpu.idle_perc, one of mem.free, an alarm
// definition and a notification method, so that every list has rows.
func queryEnv(t *testing.T) (*env, string) {
	e := newEnv(t)
	for i, h := range []string{"h1", "h2"} {
		e.must(204, e.call("labagent", "POST", "/v2.0/metrics", metric("cpu.idle_perc", float64(i), "hostname", h)))
	}
	e.must(204, e.call("labagent", "POST", "/v2.0/metrics", metric("mem.free", 1, "hostname", "h1")))
	e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions", map[string]any{"name": "d", "expression": "cpu.idle_perc > 1"}))
	e.must(201, e.call("labuser", "POST", "/v2.0/notification-methods", hook("n")))
	return e, url.QueryEscape(t0.Add(-time.Minute).Format(time.RFC3339))
}

// answer is what a client sees of a response apart from its links, which
// repeat the query.
func answer(r response) string {
	if m, ok := r.doc.(map[string]any); ok {
		delete(m, "links")
	}
	b, _ := json.Marshal(r.doc)
	return fmt.Sprint(r.status, " ", string(b))
}

// falcon's parse_query_string drops a blank value, so every helper
// upstream (get_query_param, get_query_name, get_query_dimensions, the
// time helpers, the alarm filters read from the parsed dict) treats
// "x=" as if x were missing. Each row's answer must not change when the
// blank parameter is added.
func TestBlankQueryParameterCountsAsMissing(t *testing.T) {
	e, start := queryEnv(t)
	meas := "/v2.0/metrics/measurements?name=cpu.idle_perc&start_time=" + start
	stats := "/v2.0/metrics/statistics?name=cpu.idle_perc&statistics=avg&start_time=" + start
	for _, c := range []struct{ path, blank string }{
		{"/v2.0/metrics/measurements?start_time=" + start, "name"},
		{"/v2.0/metrics/measurements?name=cpu.idle_perc", "start_time"},
		{meas, "merge_metrics"},
		{meas, "group_by"},
		{meas, "dimensions"},
		{meas, "end_time"},
		{meas + "&dimensions=hostname:h1", "offset"},
		{"/v2.0/metrics/statistics?statistics=avg&start_time=" + start, "name"},
		{stats, "merge_metrics"},
		{stats, "group_by"},
		{stats, "period"},
		{"/v2.0/metrics/statistics?name=cpu.idle_perc&start_time=" + start, "statistics"},
		{"/v2.0/metrics?x=1", "name"},
		{"/v2.0/metrics?x=1", "dimensions"},
		{"/v2.0/metrics?x=1", "offset"},
		{"/v2.0/metrics?x=1", "start_time"},
		{"/v2.0/metrics?x=1", "tenant_id"},
		{"/v2.0/metrics/names?x=1", "offset"},
		{"/v2.0/metrics/names?x=1", "dimensions"},
		{"/v2.0/metrics/dimensions/names?x=1", "metric_name"},
		{"/v2.0/metrics/dimensions/names?x=1", "start_time"},
		{"/v2.0/metrics/dimensions/names/values?x=1", "dimension_name"},
		{"/v2.0/metrics/dimensions/names/values?dimension_name=hostname", "offset"},
		{"/v2.0/alarms?x=1", "state"},
		{"/v2.0/alarms?x=1", "severity"},
		{"/v2.0/alarms?x=1", "metric_dimensions"},
		{"/v2.0/alarms?x=1", "metric_name"},
		{"/v2.0/alarms?x=1", "sort_by"},
		{"/v2.0/alarms?x=1", "offset"},
		{"/v2.0/alarms?x=1", "state_updated_start_time"},
		{"/v2.0/alarms/count?x=1", "group_by"},
		{"/v2.0/alarms/count?x=1", "offset"},
		{"/v2.0/alarms/state-history?x=1", "start_time"},
		{"/v2.0/alarms/state-history?x=1", "dimensions"},
		{"/v2.0/alarms/state-history?x=1", "offset"},
		{"/v2.0/alarm-definitions?x=1", "name"},
		{"/v2.0/alarm-definitions?x=1", "severity"},
		{"/v2.0/alarm-definitions?x=1", "sort_by"},
		{"/v2.0/alarm-definitions?x=1", "offset"},
		{"/v2.0/notification-methods?x=1", "sort_by"},
		{"/v2.0/notification-methods?x=1", "offset"},
	} {
		want := answer(e.call("labuser", "GET", c.path, nil))
		if got := answer(e.call("labuser", "GET", c.path+"&"+c.blank+"=", nil)); got != want {
			t.Errorf("%s with a blank %s:\n got %s\nwant %s", c.path, c.blank, got, want)
		}
	}
}

// limit goes through falcon's req.get_param, which keeps a blank value:
// "limit=" is not missing but an invalid limit.
func TestBlankLimitIsInvalid(t *testing.T) {
	e, _ := queryEnv(t)
	wantError(t, e.call("labuser", "GET", "/v2.0/metrics/names?limit=", nil), 422, "Invalid limit", "Limit parameter must be a positive integer")
}

// helpers.str_2_bool is `s.lower() in ("true")`: ("true") is a string, so
// the test is for a substring of "true", not equality.
func TestMergeMetricsIsASubstringOfTrue(t *testing.T) {
	e, start := queryEnv(t)
	for _, base := range []string{
		"/v2.0/metrics/measurements?name=cpu.idle_perc&start_time=" + start,
		"/v2.0/metrics/statistics?name=cpu.idle_perc&statistics=count&start_time=" + start,
	} {
		for _, v := range []string{"true", "True", "TRUE", "t", "rue", "TrU", "e"} {
			r := e.call("labuser", "GET", base+"&merge_metrics="+v, nil)
			if r.status != 200 || len(r.elements()) != 1 {
				t.Errorf("%s merge_metrics=%s: %d %s, want one merged element", base, v, r.status, r.raw)
			}
		}
		for _, v := range []string{"yes", "1", "truee", "false", "on"} {
			if r := e.call("labuser", "GET", base+"&merge_metrics="+v, nil); r.status != 409 {
				t.Errorf("%s merge_metrics=%s: %d %s, want 409 (not merged)", base, v, r.status, r.raw)
			}
		}
	}
}

// falcon 4's parse_query_string splits nothing on ","; a repeated name is
// a list, which get_query_name hands to validate_name as it is.
func TestMetricNameQueryAsUpstream(t *testing.T) {
	e, start := queryEnv(t)
	for _, base := range []string{"/v2.0/metrics?x=1", "/v2.0/metrics/measurements?start_time=" + start, "/v2.0/metrics/statistics?statistics=avg&start_time=" + start} {
		wantError(t, e.call("labuser", "GET", base+"&name=cpu.idle_perc&name=mem.free", nil), 422, "Unprocessable Entity",
			"invalid metric name type: ['cpu.idle_perc', 'mem.free'] is not a string type ")
		wantError(t, e.call("labuser", "GET", base+"&name=cpu.idle_perc,mem.free", nil), 422, "Unprocessable Entity",
			"invalid characters in metric name: cpu.idle_perc,mem.free")
		wantError(t, e.call("labuser", "GET", base+"&name=cpu.idle_perc&end_time=x", nil), 422, "Unprocessable Entity",
			"Unable to parse date string 'x'")
	}
	wantError(t, e.call("labuser", "GET", "/v2.0/metrics?start_time="+start+"&start_time="+start, nil), 422, "Unprocessable Entity",
		"expected string or bytes-like object, got 'list'")
}

// get_query_dimensions builds a dict before validate_query_dimensions
// runs: a key given again (in one value or a repeated parameter) keeps its
// last value, and the value it replaced is never judged. The alarm
// definition list does not validate its dimensions at all.
func TestQueryDimensionsAreADict(t *testing.T) {
	e, start := queryEnv(t)
	base := "/v2.0/metrics/measurements?name=cpu.idle_perc&start_time=" + start
	for _, q := range []string{"&dimensions=hostname:h1,hostname:h2", "&dimensions=hostname:h1&dimensions=hostname:h2", "&dimensions=hostname:%7B,hostname:h2"} {
		r := e.call("labuser", "GET", base+q, nil)
		if r.status != 200 || len(r.elements()) != 1 || fmt.Sprint(r.elements()[0]["dimensions"]) != "map[hostname:h2]" {
			t.Errorf("%s: %d %s, want the h2 series", q, r.status, r.raw)
		}
	}
	wantError(t, e.call("labuser", "GET", base+"&dimensions=hostname:h2,hostname:%7B", nil), 422, "Unprocessable Entity",
		"invalid characters in dimension value { from key hostname")
	e.must(200, e.call("labuser", "GET", "/v2.0/alarm-definitions?dimensions=_k:%7B", nil))
}

// The alarm list and count hand metric_name to SQL unvalidated: a name no
// metric can have matches nothing.
func TestAlarmMetricNameIsNotValidated(t *testing.T) {
	e, _ := queryEnv(t)
	for _, path := range []string{"/v2.0/alarms", "/v2.0/alarms/count"} {
		e.must(200, e.call("labuser", "GET", path+"?metric_name=bad%20name", nil))
	}
}

// The integer offsets (alarms, definitions, notification methods, alarm
// counts) go through Python's int(): blanks around it and "_" between
// digits are fine.
func TestIntegerOffsetIsPythonInt(t *testing.T) {
	e, _ := queryEnv(t)
	for _, path := range []string{"/v2.0/alarm-definitions", "/v2.0/notification-methods", "/v2.0/alarms", "/v2.0/alarms/count"} {
		e.must(200, e.call("labuser", "GET", path+"?offset=+0_0+", nil))
		if r := e.call("labuser", "GET", path+"?offset=1.5", nil); r.status != 422 || !strings.Contains(r.obj()["description"].(string), "1.5") {
			t.Errorf("%s?offset=1.5: %d %s", path, r.status, r.raw)
		}
	}
}

// /metrics/names pages with helpers.paginate_with_no_id, as the dimension
// lists do: the offset is lower-cased, the page starts after an equal
// name or else at the first greater one, and the next link carries the
// offset unquoted.
func TestMetricNamesPageAsPaginateWithNoID(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"a.x", "b.y", "c:z", "d.w", "B.Y"} {
		e.must(204, e.call("labagent", "POST", "/v2.0/metrics", metric(n, 1)))
	}
	list := func(q string) string {
		var got []string
		for _, el := range e.must(200, e.call("labuser", "GET", "/v2.0/metrics/names?"+q, nil)).elements() {
			got = append(got, el["name"].(string))
		}
		return strings.Join(got, " ")
	}
	for q, want := range map[string]string{
		"":           "B.Y a.x b.y c:z d.w",
		"offset=b.y": "c:z d.w",
		"offset=B.Y": "c:z d.w", // lower-cased to b.y: B.Y itself is skipped too
		"offset=b":   "b.y c:z d.w",
		"offset=A.X": "b.y c:z d.w",
		"offset=zzz": "",
		"offset=%20": "B.Y a.x b.y c:z d.w",
	} {
		if got := list(q); got != want {
			t.Errorf("%q: %q, want %q", q, got, want)
		}
	}
	r := e.must(200, e.call("labuser", "GET", "/v2.0/metrics/names?limit=2&offset=a.x", nil))
	if want := e.srv.URL + "/monitoring/v2.0/metrics/names?offset=c:z&limit=2"; r.link("next") != want {
		t.Errorf("next %q, want %q", r.link("next"), want)
	}
}

// The alarm filters as alarms.py validates them: one state (the repository
// compares it with "="), a "|" list of severities, each error titled and
// worded as validation.py words it; the count's group_by items are not
// trimmed.
func TestAlarmFilterErrorsAsUpstream(t *testing.T) {
	e, _ := queryEnv(t)
	for _, path := range []string{"/v2.0/alarms", "/v2.0/alarms/count"} {
		e.must(200, e.call("labuser", "GET", path+"?state=ok&severity=low|HIGH", nil))
		wantError(t, e.call("labuser", "GET", path+"?state=OK|ALARM", nil), 422, "Invalid State",
			"State b'OK|ALARM' must be one of ['ALARM', 'OK', 'UNDETERMINED']")
		wantError(t, e.call("labuser", "GET", path+"?severity=LOW|urgent", nil), 422, "Invalid Severity",
			"Severity b'urgent' must be one of ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']")
	}
	wantErrorContains(t, e.call("labuser", "GET", "/v2.0/alarms/count?group_by=state,%20name", nil), 422, "Unprocessable Entity",
		"One or more group-by values from ['state', ' name'] are not in {")
}

// falcon decodes each valid escape and leaves a malformed one as it is
// (url.QueryUnescape would give up on the whole value).
func TestQueryMalformedEscapeKeepsTheRest(t *testing.T) {
	e, _ := queryEnv(t)
	wantError(t, e.call("labuser", "GET", "/v2.0/metrics?name=a%zz%3D", nil), 422, "Unprocessable Entity",
		"invalid characters in metric name: a%zz=")
}
