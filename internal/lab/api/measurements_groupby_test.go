package api_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"
)

// group_by as monasca-api's InfluxDB repository answers it
// (measurement_list, _build_group_by_clause, paginate_measurements):
// "*" is one group per series (every tag; the "_" tags are not shown),
// a key list groups by those tags (a series without one groups under the
// empty value), and a page is filled group after group, the group that
// reaches the limit cut short with a next link.
func TestMeasurementsGroupByAsUpstream(t *testing.T) {
	e := newEnv(t)
	post := func(i int, dims ...string) {
		m := metric("cpu.idle_perc", float64(i), dims...)
		m["timestamp"] = t0.Add(time.Duration(i) * time.Second).UnixMilli()
		e.must(204, e.call("labagent", "POST", "/v2.0/metrics", m))
	}
	post(0, "hostname", "h1", "zone", "a")
	post(1, "hostname", "h1", "zone", "b")
	post(2, "hostname", "h2")
	post(3, "service", "nohost")
	post(4, "hostname", "h1", "zone", "a")
	start := url.QueryEscape(t0.Add(-time.Minute).Format(time.RFC3339))
	list := func(q string) response {
		return e.must(200, e.call("labuser", "GET", "/v2.0/metrics/measurements?name=cpu.idle_perc&start_time="+start+q, nil))
	}
	if els := list("&group_by=%2A").elements(); len(els) != 4 {
		t.Errorf("group_by=*: %d groups, want one per series (4)", len(els))
	}
	r := list("&group_by=hostname")
	var got []string
	for _, el := range r.elements() {
		got = append(got, fmt.Sprint(el["dimensions"], len(el["measurements"].([]any))))
	}
	if want := "[map[hostname:] 1 map[hostname:h1] 3 map[hostname:h2] 1]"; fmt.Sprint(got) != want {
		t.Errorf("group_by=hostname: %v, want %s", got, want)
	}
	if r.link("next") != "" {
		t.Errorf("next link on a page under the limit: %s", r.link("next"))
	}
	// limit 3: the empty-host group (1 row), then h1 cut at 2 of its 3 rows.
	r = list("&group_by=hostname&limit=3")
	els := r.elements()
	if len(els) != 2 || len(els[1]["measurements"].([]any)) != 2 || r.link("next") == "" {
		t.Errorf("limit 3: %s", r.raw)
	}
	// A group that exactly reaches the limit also gets a next link (>=).
	if r := list("&group_by=hostname&limit=4"); r.link("next") == "" {
		t.Errorf("limit 4 (1+3 rows): no next link: %s", r.raw)
	}
}
