package api_test

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// dimensionFixture is tempest's TestDimensions data: days apart, so a
// ten-day range selects some of it.
func dimensionFixture(t *testing.T, e *env) (start, end string) {
	t.Helper()
	day := 24 * time.Hour
	postAt(t, e, "metric1", 1, at(-day), "name_1", "value_1", "name_2", "value_2")
	postAt(t, e, "metric1", 1, at(day), "name_1", "value_2")
	postAt(t, e, "metric2", 1, at(2*day), "name_1", "value_3", "name_3", "value_4")
	postAt(t, e, "metric3", 1, at(11*day), "name_2", "value_3")
	return iso(at(0)), iso(at(10 * day))
}

func values(t *testing.T, r response, key string) []string {
	t.Helper()
	out := []string{}
	for _, el := range r.elements() {
		wantKeys(t, el, key)
		out = append(out, el[key].(string))
	}
	return out
}

func TestDimensionNames(t *testing.T) {
	e := newEnv(t)
	start, end := dimensionFixture(t, e)
	cases := map[string][]string{
		"":                          {"name_1", "name_2", "name_3"},
		"?metric_name=metric1":      {"name_1", "name_2"},
		"?metric_name=metric2":      {"name_1", "name_3"},
		"?metric_name=wrong_metric": {},
		"?metric_name=metric1&start_time=" + start + "&end_time=" + end: {"name_1"},
		"?start_time=" + start + "&end_time=" + end:                     {"name_1", "name_3"},
		// end_time counts only with start_time (the repository's where clause).
		"?end_time=" + start: {"name_1", "name_2", "name_3"},
	}
	for query, want := range cases {
		r := e.must(200, e.call("labreader", "GET", "/v2.0/metrics/dimensions/names"+query, nil))
		wantKeys(t, r.obj(), "links", "elements")
		if got := values(t, r, "dimension_name"); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %v, want %v", query, got, want)
		}
	}
}

func TestDimensionValues(t *testing.T) {
	e := newEnv(t)
	start, end := dimensionFixture(t, e)
	cases := map[string][]string{
		"?dimension_name=name_1":                                                              {"value_1", "value_2", "value_3"},
		"?dimension_name=name_1&metric_name=metric1":                                          {"value_1", "value_2"},
		"?dimension_name=name_1&start_time=" + start + "&end_time=" + end:                     {"value_2", "value_3"},
		"?dimension_name=name_1&metric_name=metric1&start_time=" + start + "&end_time=" + end: {"value_2"},
		"?dimension_name=nothing":                                                             {},
		// Listed once per metric that has it, as the influxdb repository does.
		"?dimension_name=name_2": {"value_2", "value_3"},
	}
	postAt(t, e, "metric2", 1, at(-48*time.Hour), "name_1", "value_1")
	cases["?dimension_name=name_1"] = []string{"value_1", "value_1", "value_2", "value_3"}
	for query, want := range cases {
		r := e.must(200, e.call("labuser", "GET", "/v2.0/metrics/dimensions/names/values"+query, nil))
		if got := values(t, r, "dimension_value"); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %v, want %v", query, got, want)
		}
	}
	for _, query := range []string{"", "?dimension_name=", "?metric_name=metric1"} {
		r := e.call("labuser", "GET", "/v2.0/metrics/dimensions/names/values"+query, nil)
		wantError(t, r, 422, "Unprocessable Entity", "Missing dimension_name")
	}
	r := e.call("labuser", "GET", "/v2.0/metrics/dimensions/names?start_time=soon", nil)
	wantError(t, r, 422, "Unprocessable Entity", "Unable to parse date string 'soon'")
	if r := e.call("labagent", "GET", "/v2.0/metrics/dimensions/names", nil); r.status != 401 {
		t.Fatalf("agent: %d", r.status)
	}
}

// TestDimensionPaging: the offset is the last value of the page, put into
// the next link unquoted, compared lower-cased; a page starts after an
// equal value, else at the first greater one.
func TestDimensionPaging(t *testing.T) {
	e := newEnv(t)
	for _, v := range []string{"a", "b:c", "d", "e"} {
		postAt(t, e, "m", 1, at(time.Second), "k", v)
	}
	path := "/v2.0/metrics/dimensions/names/values?dimension_name=k"
	r := e.must(200, e.call("labuser", "GET", path+"&limit=2", nil))
	if got := values(t, r, "dimension_value"); !reflect.DeepEqual(got, []string{"a", "b:c"}) {
		t.Fatalf("first page %v", got)
	}
	next := r.link("next")
	if !strings.HasSuffix(next, "/metrics/dimensions/names/values?offset=b:c&dimension_name=k&limit=2") {
		t.Fatalf("next %q", next)
	}
	r = e.must(200, e.call("labuser", "GET", next, nil))
	if got := values(t, r, "dimension_value"); !reflect.DeepEqual(got, []string{"d", "e"}) || r.link("next") != "" {
		t.Fatalf("second page %v next %q", got, r.link("next"))
	}
	for offset, want := range map[string][]string{"B:C": {"d", "e"}, "c": {"d", "e"}, "zz": {}} {
		r := e.must(200, e.call("labuser", "GET", path+"&offset="+url.QueryEscape(offset), nil))
		if got := values(t, r, "dimension_value"); !reflect.DeepEqual(got, want) {
			t.Errorf("offset %q: %v, want %v", offset, got, want)
		}
	}
}
