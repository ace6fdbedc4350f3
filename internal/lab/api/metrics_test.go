package api_test

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/lab/store"
)

func metric(name string, value float64, dims ...string) map[string]any {
	d := map[string]string{}
	for i := 0; i+1 < len(dims); i += 2 {
		d[dims[i]] = dims[i+1]
	}
	return map[string]any{"name": name, "dimensions": d, "timestamp": float64(t0.UnixMilli()) + 0.5, "value": value}
}

func TestPostMetricsSingleAndBatch(t *testing.T) {
	e := newEnv(t)
	r := e.call("labuser", "POST", "/v2.0/metrics", metric("cpu.idle_perc", 5, "hostname", "h1"))
	if r.status != 204 || len(r.raw) != 0 {
		t.Fatalf("single: %d %q", r.status, r.raw)
	}
	e.must(204, e.call("labagent", "POST", "/v2.0/metrics", []any{
		metric("cpu.idle_perc", 6, "hostname", "h2"), metric("cpu.idle_perc", 7, "hostname", "h1", "url", "http://a:b"),
	}))
	got := e.lab.Store().Metrics(e.lab.Credentials().ProjectID, store.MetricFilter{Name: "cpu.idle_perc"}, true)
	if len(got) != 3 || !got[0].Points[0].Timestamp.Equal(t0.Add(500*time.Microsecond)) {
		t.Fatalf("stored %+v", got)
	}
}

func TestPostMetricsValidation(t *testing.T) {
	e := newEnv(t)
	bad := map[string]map[string]any{
		"space in name":       metric("cpu idle", 1),
		"paren in name":       metric("cpu(idle)", 1),
		"empty name":          metric("", 1),
		"empty dim value":     metric("m", 1, "hostname", ""),
		"dim key underscore":  metric("m", 1, "_host", "h"),
		"dim value brace":     metric("m", 1, "host", "a{b"),
		"value not a number":  {"name": "m", "timestamp": 1, "value": "1"},
		"timestamp string":    {"name": "m", "timestamp": "now", "value": 1},
		"missing timestamp":   {"name": "m", "value": 1},
		"missing value":       {"name": "m", "timestamp": 1},
		"missing name":        {"value": 1, "timestamp": 1},
		"dim value not str":   {"name": "m", "timestamp": 1, "value": 1, "dimensions": map[string]any{"a": 1}},
		"too many value_meta": {"name": "m", "timestamp": 1, "value": 1, "value_meta": manyMeta(17)},
	}
	for name, body := range bad {
		t.Run(name, func(t *testing.T) {
			r := e.call("labuser", "POST", "/v2.0/metrics", body)
			if r.status != 422 || r.obj()["title"] != "Unprocessable Entity" || len(r.obj()) != 2 {
				t.Fatalf("%d %s", r.status, r.raw)
			}
		})
	}
	// A quote in the name and a colon in a dimension value are fine.
	e.must(204, e.call("labuser", "POST", "/v2.0/metrics", metric("it's", 1, "k", "a:b")))
	wantError(t, e.call("labuser", "POST", "/v2.0/metrics", metric("m", 1), "text/plain"), 400, "Bad request", "Bad content type. Must be application/json")
}

func manyMeta(n int) map[string]string {
	m := map[string]string{}
	for i := range n {
		m[string(rune('a'+i))] = "v"
	}
	return m
}

func TestPostMetricsTenantIDNeedsDelegateRole(t *testing.T) {
	e := newEnv(t)
	other, _ := e.lab.User("otheruser")
	own := e.lab.Credentials().ProjectID
	// labuser has no delegate role: tenant_id is silently ignored.
	e.must(204, e.call("labuser", "POST", "/v2.0/metrics?tenant_id="+other.ProjectID, metric("from.user", 1)))
	// labagent has monasca-agent, the lab's (DevStack's) delegate role.
	e.must(204, e.call("labagent", "POST", "/v2.0/metrics?tenant_id="+other.ProjectID, metric("from.agent", 1)))
	st := e.lab.Store()
	if len(st.Metrics(own, store.MetricFilter{Name: "from.user"}, false)) != 1 {
		t.Fatal("without the delegate role the metric belongs to the caller's project")
	}
	if len(st.Metrics(other.ProjectID, store.MetricFilter{Name: "from.agent"}, false)) != 1 {
		t.Fatal("with the delegate role the metric belongs to tenant_id")
	}
}

func TestListMetricsShowsHostsWithRecentData(t *testing.T) {
	e := newEnv(t)
	for _, h := range []string{"h2", "h1", "h3"} {
		e.must(204, e.call("labagent", "POST", "/v2.0/metrics", metric("cpu.idle_perc", 50, "hostname", h)))
	}
	e.must(204, e.call("labagent", "POST", "/v2.0/metrics", metric("mem.free_mb", 50, "hostname", "h1")))
	start := url.QueryEscape(t0.Add(-time.Minute).Format(time.RFC3339))
	r := e.must(200, e.call("labreader", "GET", "/v2.0/metrics?name=cpu.idle_perc&start_time="+start, nil))
	var hosts []string
	for _, el := range r.elements() {
		wantKeys(t, el, "id", "name", "dimensions")
		hosts = append(hosts, el["dimensions"].(map[string]any)["hostname"].(string))
	}
	if strings.Join(hosts, ",") != "h1,h2,h3" {
		t.Fatalf("hosts %v", hosts)
	}
	later := url.QueryEscape(t0.Add(time.Minute).Format(time.RFC3339))
	if els := e.must(200, e.call("labreader", "GET", "/v2.0/metrics?name=cpu.idle_perc&start_time="+later, nil)).elements(); len(els) != 0 {
		t.Fatalf("no data after start_time, got %v", els)
	}
	p := e.must(200, e.call("labreader", "GET", "/v2.0/metrics?name=cpu.idle_perc&limit=2", nil))
	if len(p.elements()) != 2 || p.link("next") == "" {
		t.Fatalf("paging %v", p.raw)
	}
	rest := e.must(200, e.call("labreader", "GET", p.link("next"), nil)).elements()
	if len(rest) != 1 || rest[0]["dimensions"].(map[string]any)["hostname"] != "h3" {
		t.Fatalf("next page %v", rest)
	}
	names := e.must(200, e.call("labreader", "GET", "/v2.0/metrics/names", nil)).elements()
	if len(names) != 2 || names[0]["name"] != "cpu.idle_perc" {
		t.Fatalf("names %v", names)
	}
	if r := e.call("labreader", "GET", "/v2.0/metrics?name=bad%20name", nil); r.status != 422 {
		t.Fatalf("bad name: %d", r.status)
	}
}

func TestMeasurements(t *testing.T) {
	e := newEnv(t)
	for i, h := range []string{"h1", "h2"} {
		m := metric("cpu.idle_perc", float64(i), "hostname", h)
		e.must(204, e.call("labagent", "POST", "/v2.0/metrics", m))
	}
	start := url.QueryEscape(t0.Add(-time.Minute).Format(time.RFC3339))
	wantError(t, e.call("labuser", "GET", "/v2.0/metrics/measurements?name=cpu.idle_perc", nil), 422, "Unprocessable Entity", "Missing start time")
	wantError(t, e.call("labuser", "GET", "/v2.0/metrics/measurements?start_time="+start, nil), 422, "Unprocessable Entity", "Missing name")
	r := e.call("labuser", "GET", "/v2.0/metrics/measurements?name=cpu.idle_perc&start_time="+start, nil)
	if r.status != 409 || r.obj()["title"] != "MultipleMetrics" {
		t.Fatalf("several series without merge: %d %s", r.status, r.raw)
	}
	one := e.must(200, e.call("labuser", "GET", "/v2.0/metrics/measurements?name=cpu.idle_perc&dimensions=hostname:h2&start_time="+start, nil)).elements()
	if len(one) != 1 {
		t.Fatalf("one series %v", one)
	}
	wantKeys(t, one[0], "id", "name", "dimensions", "columns", "measurements")
	row := one[0]["measurements"].([]any)[0].([]any)
	if row[0] != "2026-11-26T10:00:00.000Z" || row[1] != float64(1) {
		t.Fatalf("row %v", row)
	}
	merged := e.must(200, e.call("labuser", "GET", "/v2.0/metrics/measurements?name=cpu.idle_perc&merge_metrics=true&start_time="+start, nil)).elements()
	if len(merged) != 1 || len(merged[0]["measurements"].([]any)) != 2 {
		t.Fatalf("merged %v", merged)
	}
	grouped := e.must(200, e.call("labuser", "GET", "/v2.0/metrics/measurements?name=cpu.idle_perc&group_by=*&start_time="+start, nil)).elements()
	if len(grouped) != 2 {
		t.Fatalf("grouped %v", grouped)
	}
}

// GET /metrics numbers its series as the influxdb repository does: ids are
// indexes from offset+1 (0 without an offset), a full page's last id is
// the next offset, and with start_time a series without measurements in
// the range is skipped without taking a number.
func TestListMetricsIDsAreIndexes(t *testing.T) {
	e := newEnv(t)
	for _, h := range []string{"h1", "h2", "h3", "h4"} {
		m := metric("m", 1, "hostname", h)
		if h == "h2" {
			m["timestamp"] = t0.Add(-time.Hour).UnixMilli()
		}
		e.must(204, e.call("labagent", "POST", "/v2.0/metrics", m))
	}
	list := func(q string) (string, response) {
		r := e.must(200, e.call("labuser", "GET", "/v2.0/metrics?name=m"+q, nil))
		var got []string
		for _, el := range r.elements() {
			got = append(got, el["id"].(string)+":"+el["dimensions"].(map[string]any)["hostname"].(string))
		}
		return strings.Join(got, " "), r
	}
	for q, want := range map[string]string{
		"":                  "0:h1 1:h2 2:h3 3:h4",
		"&offset=0":         "1:h2 2:h3 3:h4",
		"&offset=1&limit=1": "2:h3",
		"&start_time=" + url.QueryEscape(t0.Add(-time.Minute).Format(time.RFC3339)): "0:h1 1:h3 2:h4",
	} {
		if got, _ := list(q); got != want {
			t.Errorf("%q: %s, want %s", q, got, want)
		}
	}
	got, r := list("&limit=2")
	if got != "0:h1 1:h2" || r.link("next") != e.srv.URL+"/monitoring/v2.0/metrics?offset=1&name=m&limit=2" {
		t.Fatalf("limit=2: %s next %q", got, r.link("next"))
	}
	if got, _ := list("&limit=2&offset=1"); got != "2:h3 3:h4" {
		t.Fatalf("second page: %s", got)
	}
	wantError(t, e.call("labuser", "GET", "/v2.0/metrics?offset=x", nil), 422, "Unprocessable Entity", "Offset value x must be an integer")
}

// Ungrouped measurements as the influxdb repository's measurement_list
// answers: the element id is the offset's id (0 without one), the offset
// is "<id>_<time>" or a bare time or millisecond count, several series
// matching name and dimensions are a 409 whatever their times, and a
// merged element carries the query's dimensions as given.
func TestMeasurementsAsMeasurementList(t *testing.T) {
	e := newEnv(t)
	post := func(h string, at time.Time) {
		m := metric("m", 1, "hostname", h)
		m["timestamp"] = at.UnixMilli()
		e.must(204, e.call("labagent", "POST", "/v2.0/metrics", m))
	}
	for i := range 3 {
		post("h1", t0.Add(time.Duration(i)*time.Second))
	}
	post("h2", t0.Add(-time.Hour))
	start := url.QueryEscape(t0.Add(-time.Minute).Format(time.RFC3339))
	base := "/v2.0/metrics/measurements?name=m&start_time=" + start
	one := func(q string) (string, int, response) {
		r := e.must(200, e.call("labuser", "GET", base+q, nil))
		els := r.elements()
		if len(els) != 1 {
			t.Fatalf("%s: %d elements: %s", q, len(els), r.raw)
		}
		return els[0]["id"].(string), len(els[0]["measurements"].([]any)), r
	}
	if id, n, _ := one("&dimensions=hostname:h1"); id != "0" || n != 3 {
		t.Errorf("h1: id %s, %d points", id, n)
	}
	if r := e.call("labuser", "GET", base, nil); r.status != 409 {
		t.Errorf("two series, one outside the range: %d, want 409", r.status)
	}
	id, n, r := one("&dimensions=hostname:h1&limit=2")
	want := e.srv.URL + "/monitoring/v2.0/metrics/measurements?offset=0_2026-11-26T10%3A00%3A01.000Z&name=m&start_time=2026-11-26T09%253A59%253A00Z&dimensions=hostname%3Ah1&limit=2"
	if id != "0" || n != 2 || r.link("next") != want {
		t.Errorf("limit 2: id %s, %d points, next %s", id, n, r.link("next"))
	}
	for offset, wantID := range map[string]string{
		"0_2026-11-26T10:00:01.000Z":                           "0",
		"5_2026-11-26T10:00:01.000Z":                           "5",
		"2026-11-26T10:00:01Z":                                 "0",
		strconv.FormatInt(t0.Add(time.Second).UnixMilli(), 10): "0",
	} {
		if id, n, _ := one("&dimensions=hostname:h1&offset=" + url.QueryEscape(offset)); id != wantID || n != 1 {
			t.Errorf("offset %s: id %s, %d points; want id %s, 1 point", offset, id, n, wantID)
		}
	}
	if r := e.must(200, e.call("labuser", "GET", base+"&dimensions=hostname:h1&offset=0_2026-11-26T10%3A00%3A02.000Z", nil)); len(r.elements()) != 0 {
		t.Errorf("no point after the offset: %s", r.raw)
	}
	wantErrorContains(t, e.call("labuser", "GET", base+"&dimensions=hostname:h1&offset=x_2026-11-26T10%3A00%3A01.000Z", nil), 422, "Unprocessable Entity", "x_2026")
	for q, wantDims := range map[string]string{
		"&merge_metrics=true&dimensions=hostname:h1%7Ch2": "map[hostname:h1|h2]",
		"&merge_metrics=true&dimensions=hostname":         "map[hostname:]",
		"&merge_metrics=true":                             "map[]",
	} {
		_, n, r := one(q)
		if got := fmt.Sprint(r.elements()[0]["dimensions"]); got != wantDims || n != 3 {
			t.Errorf("%s: dimensions %s, %d points; want %s, 3 points", q, got, n, wantDims)
		}
	}
}
