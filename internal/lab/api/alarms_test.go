package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/lab/labtesting"
	"github.com/monhook/monhook/internal/lab/model"
)

// createAlarm stands in for the threshold engine.
func createAlarm(t *testing.T, e *env, defID, state string, metrics ...model.MetricDef) string {
	t.Helper()
	if metrics == nil {
		metrics = []model.MetricDef{{Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "h1"}}}
	}
	a, err := e.lab.Store().CreateAlarm(model.Alarm{DefinitionID: defID, State: state, Metrics: metrics})
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

var alarmKeys = []string{"id", "links", "alarm_definition", "metrics", "state", "lifecycle_state", "link",
	"state_updated_timestamp", "updated_timestamp", "created_timestamp"}

func newDefinition(t *testing.T, e *env, name, severity string) string {
	t.Helper()
	return e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions", map[string]any{
		"name": name, "severity": severity, "expression": "avg(cpu.idle_perc) < 10", "match_by": []string{"hostname"},
	})).obj()["id"].(string)
}

func TestAlarmGetShape(t *testing.T) {
	e := newEnv(t)
	def := newDefinition(t, e, "cpu", "LOW")
	id := createAlarm(t, e, def, "UNDETERMINED")
	r := e.must(200, e.call("labreader", "GET", "/v2.0/alarms/"+id, nil))
	a := r.obj()
	wantKeys(t, a, alarmKeys...)
	if a["lifecycle_state"] != nil || a["link"] != nil || a["state"] != "UNDETERMINED" {
		t.Fatalf("alarm %v", a)
	}
	if a["created_timestamp"] != "2026-11-26T10:00:00Z" {
		t.Fatalf("timestamps have no fraction: %v", a["created_timestamp"])
	}
	ad := a["alarm_definition"].(map[string]any)
	wantKeys(t, ad, "id", "name", "severity", "links")
	if ad["links"].([]any)[0].(map[string]any)["href"] != e.srv.URL+"/monitoring/v2.0/alarm-definitions/"+def {
		t.Fatalf("definition link %v", ad["links"])
	}
	if r.link("self") != e.srv.URL+"/monitoring/v2.0/alarms/"+id {
		t.Fatalf("self %q", r.link("self"))
	}
	m := a["metrics"].([]any)[0].(map[string]any)
	wantKeys(t, m, "name", "dimensions")
}

func TestAlarmListFilters(t *testing.T) {
	e := newEnv(t)
	low := newDefinition(t, e, "low", "LOW")
	high := newDefinition(t, e, "high", "HIGH")
	a1 := createAlarm(t, e, low, "OK")
	a2 := createAlarm(t, e, high, "ALARM", model.MetricDef{Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "h2"}})
	ids := func(q string) string {
		r := e.must(200, e.call("labuser", "GET", "/v2.0/alarms"+q, nil))
		var out []string
		for _, el := range r.elements() {
			wantKeys(t, el, alarmKeys...)
			out = append(out, el["id"].(string))
		}
		return strings.Join(out, ",")
	}
	cases := map[string]string{
		"?state=alarm":                   a2,
		"?severity=LOW":                  a1,
		"?alarm_definition_id=" + high:   a2,
		"?metric_dimensions=hostname:h1": a1,
		"?metric_dimensions=hostname:h1|h2&sort_by=severity%20desc": a2 + "," + a1,
		"?metric_name=cpu.idle_perc&sort_by=state":                  a1 + "," + a2,
		"?metric_name=other":                                        "",
	}
	for q, want := range cases {
		if got := ids(q); got != want {
			t.Errorf("%s: got %q want %q", q, got, want)
		}
	}
	for _, q := range []string{"?state=broken", "?severity=x", "?sort_by=nope", "?offset=a", "?metric_dimensions=_x"} {
		if r := e.call("labuser", "GET", "/v2.0/alarms"+q, nil); r.status != 422 {
			t.Errorf("%s: %d", q, r.status)
		}
	}
	r := e.must(200, e.call("labuser", "GET", "/v2.0/alarms?limit=1", nil))
	if len(r.elements()) != 1 || r.link("next") != e.srv.URL+"/monitoring/v2.0/alarms?offset=1&limit=1" {
		t.Fatalf("paging: %d %q", len(r.elements()), r.link("next"))
	}
}

func TestManualStateChangeEmitsTransition(t *testing.T) {
	e := newEnv(t)
	def := newDefinition(t, e, "cpu", "LOW")
	id := createAlarm(t, e, def, "UNDETERMINED")
	events, cancel := e.lab.Bus().Subscribe()
	defer cancel()
	e.clk.Advance(time.Minute)
	r := e.must(200, e.call("labuser", "PATCH", "/v2.0/alarms/"+id, map[string]any{"state": "ALARM"})).obj()
	if r["state"] != "ALARM" || r["state_updated_timestamp"] != "2026-11-26T10:01:00Z" {
		t.Fatalf("after PATCH %v", r)
	}
	ev, ok := labtesting.Recv(t, events).(model.AlarmTransitioned)
	if !ok {
		t.Fatalf("event %#v", ev)
	}
	tr := ev.Transition
	if tr.Reason != "Alarm state updated via API" || tr.OldState != "UNDETERMINED" || tr.NewState != "ALARM" ||
		tr.AlarmName != "cpu" || tr.TenantID != e.lab.Credentials().ProjectID || len(tr.Metrics) != 1 {
		t.Fatalf("transition %+v", tr)
	}
	hist := e.must(200, e.call("labuser", "GET", "/v2.0/alarms/"+id+"/state-history", nil)).elements()
	if len(hist) != 1 {
		t.Fatalf("history %v", hist)
	}
	wantKeys(t, hist[0], "id", "alarm_id", "metrics", "old_state", "new_state", "reason", "reason_data", "timestamp", "sub_alarms")
	if hist[0]["new_state"] != "ALARM" || hist[0]["reason"] != "Alarm state updated via API" {
		t.Fatalf("history %v", hist[0])
	}
	if all := e.must(200, e.call("labuser", "GET", "/v2.0/alarms/state-history?dimensions=hostname:h1", nil)).elements(); len(all) != 1 {
		t.Fatalf("global history %v", all)
	}

	// PUT with the same state and a link: no transition.
	put := map[string]any{"state": "ALARM", "lifecycle_state": "OPEN", "link": "http://ticket/1"}
	r = e.must(200, e.call("labuser", "PUT", "/v2.0/alarms/"+id, put)).obj()
	if r["lifecycle_state"] != "OPEN" || r["link"] != "http://ticket/1" {
		t.Fatalf("PUT %v", r)
	}
	e.must(200, e.call("labuser", "PATCH", "/v2.0/alarms/"+id, map[string]any{"state": "OK"}))
	if ev := labtesting.Recv(t, events).(model.AlarmTransitioned); ev.Transition.OldState != "ALARM" || ev.Transition.NewState != "OK" {
		t.Fatalf("the same-state PUT must not have sent a transition: %+v", ev)
	}
}

func TestAlarmPutValidation(t *testing.T) {
	e := newEnv(t)
	id := createAlarm(t, e, newDefinition(t, e, "cpu", "LOW"), "OK")
	for _, field := range []string{"state", "lifecycle_state", "link"} {
		body := map[string]any{"state": "OK", "lifecycle_state": "OPEN", "link": "http://x"}
		delete(body, field)
		wantError(t, e.call("labuser", "PUT", "/v2.0/alarms/"+id, body), 422, "Unprocessable Entity", "Field '"+field+"' is required")
	}
	wantError(t, e.call("labuser", "PUT", "/v2.0/alarms/nope", map[string]any{"state": "OK", "lifecycle_state": "x", "link": "y"}),
		404, "404 Not Found", "")
	wantError(t, e.call("labuser", "PATCH", "/v2.0/alarms/nope", map[string]any{"state": "OK"}), 404, "404 Not Found", "")
	wantForbidden(t, e.call("labreader", "PATCH", "/v2.0/alarms/"+id, map[string]any{"state": "OK"}))
}

func TestAlarmDelete(t *testing.T) {
	e := newEnv(t)
	def := newDefinition(t, e, "cpu", "LOW")
	id := createAlarm(t, e, def, "OK")
	events, cancel := e.lab.Bus().Subscribe()
	defer cancel()
	e.must(204, e.call("labuser", "DELETE", "/v2.0/alarms/"+id, nil))
	if ev := labtesting.Recv(t, events); ev != (model.AlarmDeleted{AlarmID: id, DefinitionID: def}) {
		t.Fatalf("event %#v", ev)
	}
	wantError(t, e.call("labuser", "DELETE", "/v2.0/alarms/"+id, nil), 404, "404 Not Found", "")
}

func TestAlarmCount(t *testing.T) {
	e := newEnv(t)
	def := newDefinition(t, e, "cpu", "LOW")
	createAlarm(t, e, def, "OK")
	createAlarm(t, e, def, "ALARM", model.MetricDef{Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "h2"}})
	createAlarm(t, e, def, "ALARM", model.MetricDef{Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "h3"}})
	r := e.must(200, e.call("labuser", "GET", "/v2.0/alarms/count", nil)).obj()
	wantKeys(t, r, "links", "columns", "counts")
	if c := r["counts"].([]any)[0].([]any)[0]; c != float64(3) {
		t.Fatalf("count %v", r)
	}
	r = e.must(200, e.call("labuser", "GET", "/v2.0/alarms/count?group_by=state", nil)).obj()
	if got := r["counts"].([]any); len(got) != 2 || got[0].([]any)[0] != float64(2) || got[0].([]any)[1] != "ALARM" {
		t.Fatalf("grouped %v", r)
	}
	if r := e.call("labuser", "GET", "/v2.0/alarms/count?group_by=nope", nil); r.status != 422 {
		t.Fatalf("bad group_by %d", r.status)
	}
	wantError(t, e.call("labuser", "GET", "/v2.0/alarms/count?offset=x", nil), 422, "Unprocessable Entity", "Offset must be a valid integer, was x")
}
