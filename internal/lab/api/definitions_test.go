package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/monhook/monhook/internal/lab/model"
)

var definitionKeys = []string{"id", "links", "name", "description", "expression", "deterministic", "match_by",
	"severity", "actions_enabled", "ok_actions", "alarm_actions", "undetermined_actions"}

func fullDefinition(name, expression string) map[string]any {
	return map[string]any{
		"name": name, "expression": expression, "description": "", "severity": "LOW", "match_by": []string{"hostname"},
		"alarm_actions": []string{}, "ok_actions": []string{}, "undetermined_actions": []string{}, "actions_enabled": true,
	}
}

func TestAlarmDefinitionCreateDefaultsAndKeys(t *testing.T) {
	e := newEnv(t)
	events, cancel := e.lab.Bus().Subscribe()
	defer cancel()
	r := e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions", map[string]any{
		"name": "cpu", "expression": "avg(cpu.idle_perc{hostname=h1}) < 10", "actions_enabled": false, "severity": "high",
	}))
	d := r.obj()
	wantKeys(t, d, definitionKeys...)
	if d["description"] != "" || d["severity"] != "HIGH" || d["actions_enabled"] != true || d["deterministic"] != false {
		t.Fatalf("defaults %v", d)
	}
	for _, k := range []string{"match_by", "alarm_actions", "ok_actions", "undetermined_actions"} {
		if l, ok := d[k].([]any); !ok || len(l) != 0 {
			t.Fatalf("%s = %v, want []", k, d[k])
		}
	}
	if r.link("self") != e.srv.URL+"/monitoring/v2.0/alarm-definitions/"+d["id"].(string) {
		t.Fatalf("self %q", r.link("self"))
	}
	if ev, ok := recv(t, events).(model.DefinitionCreated); !ok || ev.Definition.ID != d["id"] {
		t.Fatalf("event %#v", ev)
	}
	g := e.must(200, e.call("labuser", "GET", "/v2.0/alarm-definitions/"+d["id"].(string), nil))
	if g.link("self") != r.link("self") {
		t.Fatalf("GET self %q", g.link("self"))
	}
	det := e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions", map[string]any{
		"name": "det", "expression": "max(m, deterministic) > 1 and min(n, deterministic) < 2"})).obj()
	if det["deterministic"] != true {
		t.Fatal("every sub-expression deterministic: deterministic")
	}
}

func TestAlarmDefinitionValidation(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name  string
		body  map[string]any
		title string
		desc  string
	}{
		{"missing name", map[string]any{"expression": "m > 1"}, "Unprocessable Entity", "name"},
		{"missing expression", map[string]any{"name": "n"}, "Unprocessable Entity", "expression"},
		{"name too long", map[string]any{"name": strings.Repeat("x", 256), "expression": "m > 1"}, "Unprocessable Entity", "255"},
		{"bad severity", map[string]any{"name": "n", "expression": "m > 1", "severity": "urgent"}, "Unprocessable Entity", "severity"},
		{"actions not a list", map[string]any{"name": "n", "expression": "m > 1", "alarm_actions": "x"}, "Unprocessable Entity", "alarm_actions"},
		{"duplicate action", map[string]any{"name": "n", "expression": "m > 1", "alarm_actions": []string{"a", "a"}}, "Unprocessable Entity", "Duplicate ALARM notification method a"},
		{"actions_enabled string", map[string]any{"name": "n", "expression": "m > 1", "actions_enabled": "yes"}, "Unprocessable Entity", "actions_enabled"},
		{"bad match_by", map[string]any{"name": "n", "expression": "m > 1", "match_by": []string{"_x"}}, "Unprocessable Entity", "_x"},
		{"= operator", map[string]any{"name": "n", "expression": "test=metric > 10"}, "Invalid alarm expression", "parser failed on expression 'test=metric > 10' at column"},
		{"bad period", map[string]any{"name": "n", "expression": "avg(m, 90) > 1"}, "Invalid alarm expression", "Period 90 must be a multiple of 60"},
		{"exponent", map[string]any{"name": "n", "expression": "m > 1e3"}, "Invalid alarm expression", "Expected string_end"},
		{"unknown action", map[string]any{"name": "n", "expression": "m > 1", "undetermined_actions": []string{"nope"}}, "InvalidUpdateException", "Non-existent notification id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantErrorContains(t, e.call("labuser", "POST", "/v2.0/alarm-definitions", c.body), 422, c.title, c.desc)
		})
	}
	// Definitions skip validate_json_content_type, but falcon's get_media
	// refuses a type it has no handler for (415, re-raised as 400).
	wantError(t, e.call("labuser", "POST", "/v2.0/alarm-definitions", map[string]any{"name": "ct", "expression": "m > 1"}, "text/plain"),
		400, "Bad request", "Request body is not valid JSON")
	e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions", map[string]any{"name": "ct", "expression": "m > 1"}, "application/json; charset=utf-8"))
	wantError(t, e.call("labuser", "POST", "/v2.0/alarm-definitions", "nope"), 400, "Bad request", "Request body is not valid JSON")
}

func TestAlarmDefinitionActionsAcceptAnyTenantsMethod(t *testing.T) {
	e := newEnv(t)
	foreign := e.must(201, e.call("otheruser", "POST", "/v2.0/notification-methods", hook("h"))).obj()["id"].(string)
	e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions", map[string]any{
		"name": "d", "expression": "m > 1", "alarm_actions": []string{foreign}}))
}

func TestAlarmDefinitionDuplicateName(t *testing.T) {
	e := newEnv(t)
	id := e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions", map[string]any{"name": "d", "expression": "m > 1"})).obj()["id"].(string)
	wantError(t, e.call("labuser", "POST", "/v2.0/alarm-definitions", map[string]any{"name": "d", "expression": "m > 1"}), 409,
		"AlreadyExistsException", "An alarm definition with the name d already exists")
	// A PATCH onto a taken name is 409 even for an unknown id (name first).
	if r := e.call("labuser", "PATCH", "/v2.0/alarm-definitions/00000000-0000-0000-0000-000000000000", map[string]any{"name": "d"}); r.status != 409 {
		t.Fatalf("patch unknown id onto taken name: %d", r.status)
	}
	e.must(204, e.call("labuser", "DELETE", "/v2.0/alarm-definitions/"+id, nil))
	e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions", map[string]any{"name": "d", "expression": "m > 1"}))
}

func TestAlarmDefinitionPutAndPatch(t *testing.T) {
	e := newEnv(t)
	nm := e.must(201, e.call("labuser", "POST", "/v2.0/notification-methods", hook("h"))).obj()["id"].(string)
	body := fullDefinition("cpu", "avg(cpu.idle_perc{hostname=h1}) < 10")
	body["severity"] = "HIGH"
	body["description"] = "desc"
	id := e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions", body)).obj()["id"].(string)
	path := "/v2.0/alarm-definitions/" + id

	// PUT requires every key.
	partial := fullDefinition("cpu", "avg(cpu.idle_perc{hostname=h1}) < 10")
	delete(partial, "ok_actions")
	wantErrorContains(t, e.call("labuser", "PUT", path, partial), 422, "Unprocessable Entity", "ok_actions")

	// PUT may change function, operator, threshold and period.
	put := fullDefinition("cpu2", "max(cpu.idle_perc{hostname=h1}, 120) > 20 times 2")
	put["alarm_actions"] = []string{nm}
	put["deterministic"] = true // extra keys are ignored
	r := e.must(200, e.call("labuser", "PUT", path, put)).obj()
	if r["name"] != "cpu2" || r["severity"] != "LOW" || r["description"] != "" || len(r["alarm_actions"].([]any)) != 1 {
		t.Fatalf("PUT result %v", r)
	}

	// PATCH keeps what it is not given; actions_enabled is stored as
	// Python's bool() of whatever was sent.
	r = e.must(200, e.call("labuser", "PATCH", path, map[string]any{"actions_enabled": "", "ok_actions": []string{nm}})).obj()
	if r["actions_enabled"] != false || r["name"] != "cpu2" || len(r["alarm_actions"].([]any)) != 1 || len(r["ok_actions"].([]any)) != 1 {
		t.Fatalf("PATCH result %v", r)
	}
	r = e.must(200, e.call("labuser", "PATCH", path, map[string]any{"actions_enabled": "true"})).obj()
	if r["actions_enabled"] != true {
		t.Fatalf("tempest sends 'true' as a string: %v", r)
	}

	immutable := []struct {
		name string
		body map[string]any
		desc string
	}{
		{"match_by", map[string]any{"match_by": []string{"service"}}, "match_by must not change"},
		{"metric", map[string]any{"expression": "avg(cpu.user_perc{hostname=h1}) < 10"}, "b'metrics in subexpression must not change'"},
		{"dimensions", map[string]any{"expression": "avg(cpu.idle_perc{hostname=h2}) < 10"}, "b'metrics in subexpression must not change'"},
		// The repository compares the sub-expressions before match_by.
		{"metric before match_by", map[string]any{"expression": "avg(cpu.user_perc{hostname=h1}) < 10", "match_by": []string{"service"}}, "b'metrics in subexpression must not change'"},
		{"count", map[string]any{"expression": "avg(cpu.idle_perc{hostname=h1}) < 10 or m > 1"}, "b'number of subexpressions must not change'"},
		{"action", map[string]any{"alarm_actions": []string{"nope"}}, "Non-existent notification id"},
	}
	for _, c := range immutable {
		t.Run(c.name, func(t *testing.T) {
			wantErrorContains(t, e.call("labuser", "PATCH", path, c.body), 422, "InvalidUpdateException", c.desc)
		})
	}
	wantErrorContains(t, e.call("labuser", "PATCH", path, map[string]any{"expression": "avg(cpu.idle_perc{hostname=h1}) <"}), 422,
		"Invalid alarm expression", "parser failed on expression")

	unknown := "/v2.0/alarm-definitions/00000000-0000-0000-0000-000000000000"
	wantError(t, e.call("labuser", "PUT", unknown, fullDefinition("zz", "m > 1")), 404, "404 Not Found", "")
	wantError(t, e.call("labuser", "PATCH", unknown, map[string]any{"severity": "LOW"}), 404, "404 Not Found", "")
	for _, method := range []string{"PUT", "PATCH", "DELETE"} {
		wantError(t, e.call("labuser", method, "/v2.0/alarm-definitions", map[string]any{}), 400, "Bad Request", "Alarm definition ID not provided")
	}
}

func TestAlarmDefinitionDeleteCascadesToAlarms(t *testing.T) {
	e := newEnv(t)
	id := e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions", map[string]any{"name": "d", "expression": "m > 1"})).obj()["id"].(string)
	alarm := createAlarm(t, e, id, "ALARM")
	events, cancel := e.lab.Bus().Subscribe()
	defer cancel()
	e.must(204, e.call("labuser", "DELETE", "/v2.0/alarm-definitions/"+id, nil))
	wantError(t, e.call("labuser", "GET", "/v2.0/alarms/"+alarm, nil), 404, "404 Not Found", "")
	wantError(t, e.call("labuser", "GET", "/v2.0/alarm-definitions/"+id, nil), 404, "404 Not Found", "")
	if ev := recv(t, events); ev != (model.AlarmDeleted{AlarmID: alarm, DefinitionID: id}) {
		t.Fatalf("first event %#v", ev)
	}
	if ev, ok := recv(t, events).(model.DefinitionDeleted); !ok || ev.DefinitionID != id {
		t.Fatalf("second event %#v", ev)
	}
}

func TestAlarmDefinitionListFiltersPagingSort(t *testing.T) {
	e := newEnv(t)
	sev := []string{"LOW", "MEDIUM", "HIGH", "CRITICAL", "LOW"}
	for i, s := range sev {
		e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions", map[string]any{
			"name": fmt.Sprintf("d%d", i), "severity": s, "expression": fmt.Sprintf("avg(cpu{hostname=h%d,service=x}) > 1", i%2),
		}))
	}
	names := func(r response) string {
		var out []string
		for _, el := range r.elements() {
			wantKeys(t, el, definitionKeys...)
			out = append(out, el["name"].(string))
		}
		return strings.Join(out, ",")
	}
	if got := names(e.must(200, e.call("labuser", "GET", "/v2.0/alarm-definitions?name=d3", nil))); got != "d3" {
		t.Fatalf("name filter %q", got)
	}
	if got := names(e.must(200, e.call("labuser", "GET", "/v2.0/alarm-definitions?severity=LOW|critical&sort_by=name", nil))); got != "d0,d3,d4" {
		t.Fatalf("severity filter %q", got)
	}
	if got := names(e.must(200, e.call("labuser", "GET", "/v2.0/alarm-definitions?dimensions=hostname:h1&sort_by=name", nil))); got != "d1,d3" {
		t.Fatalf("dimensions filter %q", got)
	}
	// Severity sorts as text: CRITICAL < HIGH < LOW < MEDIUM.
	if got := names(e.must(200, e.call("labuser", "GET", "/v2.0/alarm-definitions?sort_by=severity,name%20desc", nil))); got != "d3,d2,d4,d0,d1" {
		t.Fatalf("severity sort %q", got)
	}
	r := e.must(200, e.call("labuser", "GET", "/v2.0/alarm-definitions?sort_by=name&offset=1&limit=2", nil))
	if names(r) != "d1,d2" {
		t.Fatalf("page %q", names(r))
	}
	wantNext := e.srv.URL + "/monitoring/v2.0/alarm-definitions?offset=3&sort_by=name&limit=2"
	if r.link("next") != wantNext {
		t.Fatalf("next %q, want %q", r.link("next"), wantNext)
	}
	r = e.must(200, e.call("labuser", "GET", r.link("next"), nil))
	if names(r) != "d3,d4" || r.link("next") != "" {
		t.Fatalf("second page %q next %q", names(r), r.link("next"))
	}
	for _, q := range []string{"severity=URGENT", "sort_by=expression", "offset=x"} {
		if r := e.call("labuser", "GET", "/v2.0/alarm-definitions?"+q, nil); r.status != 422 {
			t.Fatalf("%s: %d", q, r.status)
		}
	}
	// The definition list reads dimensions without validate_query_dimensions:
	// a key no metric may have filters everything out.
	if r := e.must(200, e.call("labuser", "GET", "/v2.0/alarm-definitions?dimensions=_k:v", nil)); names(r) != "" {
		t.Fatalf("dimensions=_k:v listed %q", names(r))
	}
}

func TestTrailingSlashesAreIgnored(t *testing.T) {
	e := newEnv(t)
	id := e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions/", map[string]any{"name": "d", "expression": "m > 1"})).obj()["id"].(string)
	e.must(200, e.call("labuser", "GET", "/v2.0/alarm-definitions/"+id+"/", nil))
	e.must(200, e.call("labuser", "GET", "/v2.0/notification-methods/", nil))
}

// The repository pairs sub-expressions (equal ones are unchanged, the rest
// (expectations checked against _determine_sub_expr_changes itself)
// pair on metric name and dimensions) and words a refusal by comparing the
// new side's count with the unpaired old ones.
func TestAlarmDefinitionSubExpressionChanges(t *testing.T) {
	e := newEnv(t)
	id := e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions",
		map[string]any{"name": "two", "expression": "avg(cpu) > 1 and max(mem{h=a}) < 2"})).obj()["id"].(string)
	path := "/v2.0/alarm-definitions/" + id
	for expression, desc := range map[string]string{
		"avg(cpu) > 1 and max(disk) < 2":                   "b'number of subexpressions must not change'", // one replaced, one unchanged
		"avg(net) > 1 and max(disk) < 2":                   "b'metrics in subexpression must not change'", // both replaced
		"avg(cpu) > 1":                                     "b'metrics in subexpression must not change'", // 1 unchanged against 1 unpaired
		"avg(cpu) > 1 and max(mem{h=b}) < 2":               "b'number of subexpressions must not change'",
		"avg(cpu) > 1 and max(mem{h=a}) < 2 or min(x) > 0": "b'number of subexpressions must not change'",
	} {
		wantError(t, e.call("labuser", "PATCH", path, map[string]any{"expression": expression}), 422, "InvalidUpdateException", desc)
	}
	// Function, operator, threshold and periods may change; so may the order.
	e.must(200, e.call("labuser", "PATCH", path, map[string]any{"expression": "min(mem{h=a}, 120) > 5 times 2 or sum(cpu) <= 0"}))
}
