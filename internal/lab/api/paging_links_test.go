package api_test

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// The real API builds next links from falcon's still-encoded query string
// and quotes every parameter again (helpers._get_old_query_params_except_offset).
// The lab must hand out the same links, so that clients are tested against
// links a literal follow breaks.
func TestMeasurementNextLinkEncodesTheQueryASecondTime(t *testing.T) {
	e := newEnv(t)
	for i := range 3 {
		m := metric("cpu.idle_perc", 1, "hostname", "h1")
		m["timestamp"] = t0.Add(time.Duration(i) * time.Second).UnixMilli()
		e.must(204, e.call("labagent", "POST", "/v2.0/metrics", m))
	}
	start := url.QueryEscape(t0.Add(-time.Minute).Format(time.RFC3339)) // 2026-11-26T09%3A59%3A00Z
	r := e.must(200, e.call("labuser", "GET", "/v2.0/metrics/measurements?name=cpu.idle_perc&group_by=%2A&start_time="+start+"&limit=2", nil))
	id := r.elements()[0]["id"].(string)
	base := e.srv.URL + "/monitoring/v2.0/metrics/measurements"
	wantNext := base + "?offset=" + id + "_2026-11-26T10%3A00%3A01.000Z" +
		"&name=cpu.idle_perc&group_by=%252A&start_time=2026-11-26T09%253A59%253A00Z&limit=2"
	if got := r.link("next"); got != wantNext {
		t.Errorf("next\n got %s\nwant %s", got, wantNext)
	}
	wantSelf := base + "?name=cpu.idle_perc&group_by=%252A&start_time=2026-11-26T09%253A59%253A00Z&limit=2"
	if got := r.link("self"); got != wantSelf {
		t.Errorf("self\n got %s\nwant %s", got, wantSelf)
	}
	wantError(t, e.call("labuser", "GET", r.link("next"), nil), 422, "Unprocessable Entity",
		"Unable to parse date string '2026-11-26T09%3A59%3A00Z'")

	// A client that did not escape the colons gets a link that works.
	raw := t0.Add(-time.Minute).Format(time.RFC3339)
	r = e.must(200, e.call("labuser", "GET", "/v2.0/metrics/measurements?name=cpu.idle_perc&start_time="+raw+"&limit=2", nil))
	if !strings.Contains(r.link("next"), "&start_time=2026-11-26T09%3A59%3A00Z&") {
		t.Fatalf("next %s", r.link("next"))
	}
	rest := e.must(200, e.call("labuser", "GET", r.link("next"), nil)).elements()
	if n := len(rest[0]["measurements"].([]any)); n != 1 {
		t.Errorf("second page has %d measurements, want 1", n)
	}
}

func TestMetricListNextLinkEncodesDimensionsASecondTime(t *testing.T) {
	e := newEnv(t)
	for _, h := range []string{"h1", "h2"} {
		e.must(204, e.call("labagent", "POST", "/v2.0/metrics", metric("cpu.idle_perc", 1, "hostname", h, "zone", "a")))
	}
	r := e.must(200, e.call("labuser", "GET", "/v2.0/metrics?dimensions=zone%3Aa&limit=1", nil))
	next := r.link("next")
	if !strings.HasSuffix(next, "&dimensions=zone%253Aa&limit=1") {
		t.Fatalf("next %s", next)
	}
	// Followed literally, the filter becomes the dimension "zone%3Aa" with
	// no value: a silently different query, as on the real API.
	if els := e.must(200, e.call("labuser", "GET", next, nil)).elements(); len(els) != 0 {
		t.Errorf("literal follow found %v", els)
	}
}

func TestMetricNamesNextLinkHasTheOffsetUnquoted(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"a/one:x", "b.two", "c-3"} {
		e.must(204, e.call("labagent", "POST", "/v2.0/metrics", metric(n, 1, "hostname", "h1")))
	}
	r := e.must(200, e.call("labuser", "GET", "/v2.0/metrics/names?limit=1&dimensions=hostname%3Ah1", nil))
	want := e.srv.URL + "/monitoring/v2.0/metrics/names?offset=a/one:x&limit=1&dimensions=hostname%253Ah1"
	if got := r.link("next"); got != want {
		t.Errorf("next\n got %s\nwant %s", got, want)
	}
}
