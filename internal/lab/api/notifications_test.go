package api_test

import (
	"fmt"
	"strings"
	"testing"
)

func hook(name string) map[string]any {
	return map[string]any{"name": name, "type": "webhook", "address": "http://127.0.0.1:9/hook"}
}

func TestNotificationMethodLifecycle(t *testing.T) {
	e := newEnv(t)
	r := e.must(201, e.call("labuser", "POST", "/v2.0/notification-methods", hook("h1")))
	m := r.obj()
	wantKeys(t, m, "id", "name", "type", "address", "period", "links")
	if m["type"] != "WEBHOOK" || m["period"] != float64(0) {
		t.Fatalf("created %v", m)
	}
	id := m["id"].(string)
	if r.link("self") != e.srv.URL+"/monitoring/v2.0/notification-methods/"+id {
		t.Fatalf("POST self link %q", r.link("self"))
	}

	got := e.must(200, e.call("labreader", "GET", "/v2.0/notification-methods/"+id, nil))
	wantKeys(t, got.obj(), "id", "name", "type", "address", "period", "links")
	// The Python API doubles the id in single-resource links (reference §2).
	if !strings.HasSuffix(got.link("self"), "/"+id+"/"+id) {
		t.Fatalf("GET self link %q", got.link("self"))
	}

	put := map[string]any{"name": "h1b", "type": "email", "address": "a@b", "period": 0}
	if r := e.must(200, e.call("labuser", "PUT", "/v2.0/notification-methods/"+id, put)); r.obj()["type"] != "EMAIL" {
		t.Fatalf("PUT %v", r.obj())
	}
	r = e.must(200, e.call("labuser", "PATCH", "/v2.0/notification-methods/"+id, map[string]any{"period": "60"}))
	if r.obj()["name"] != "h1b" || r.obj()["period"] != float64(60) || r.obj()["address"] != "a@b" {
		t.Fatalf("PATCH keeps stored fields and parses a numeric string period: %v", r.obj())
	}

	del := e.call("labuser", "DELETE", "/v2.0/notification-methods/"+id, nil)
	if del.status != 204 || len(del.raw) != 0 {
		t.Fatalf("DELETE %d %q", del.status, del.raw)
	}
	for _, method := range []string{"GET", "DELETE"} {
		wantError(t, e.call("labuser", method, "/v2.0/notification-methods/"+id, nil), 404, "404 Not Found", "")
	}
	wantError(t, e.call("labuser", "PUT", "/v2.0/notification-methods/"+id, put), 404, "404 Not Found", "")
	wantError(t, e.call("labuser", "PATCH", "/v2.0/notification-methods/"+id, put), 404, "404 Not Found", "")
}

func TestNotificationMethodValidation(t *testing.T) {
	e := newEnv(t)
	long := func(n int) string { return strings.Repeat("x", n) }
	cases := []struct {
		name string
		body map[string]any
		desc string // substring
	}{
		{"missing name", map[string]any{"type": "WEBHOOK", "address": "http://x"}, "name"},
		{"name too long", map[string]any{"name": long(251), "type": "WEBHOOK", "address": "http://x"}, "250"},
		{"address too long", map[string]any{"name": "n", "type": "PAGERDUTY", "address": long(513)}, "512"},
		{"ftp webhook", map[string]any{"name": "n", "type": "WEBHOOK", "address": "ftp://localhost"}, "Address ftp://localhost scheme is not in ['http', 'https']"},
		{"no scheme", map[string]any{"name": "n", "type": "WEBHOOK", "address": "localhost:123"}, "localhost:123"},
		{"bad email", map[string]any{"name": "n", "type": "EMAIL", "address": "nobody"}, "Address nobody is not of correct format"},
		{"period 30", map[string]any{"name": "n", "type": "WEBHOOK", "address": "http://x", "period": 30}, "30 is not in the configured list of valid periods: [0, 60]"},
		{"period word", map[string]any{"name": "n", "type": "WEBHOOK", "address": "http://x", "period": "zero"}, "zero"},
		{"period float", map[string]any{"name": "n", "type": "WEBHOOK", "address": "http://x", "period": 1.2}, "period"},
		{"unknown type", map[string]any{"name": "n", "type": "sms", "address": "x"}, "Not a valid notification method type SMS "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantErrorContains(t, e.call("labuser", "POST", "/v2.0/notification-methods", c.body), 400, "Bad Request", c.desc)
		})
	}
	// Accepted: period 60 for any type; 512-character address.
	e.must(201, e.call("labuser", "POST", "/v2.0/notification-methods",
		map[string]any{"name": "p", "type": "email", "address": "a@b", "period": 60}))
	e.must(201, e.call("labuser", "POST", "/v2.0/notification-methods",
		map[string]any{"name": "l", "type": "PAGERDUTY", "address": long(512)}))
	// PUT needs the period.
	id := e.must(201, e.call("labuser", "POST", "/v2.0/notification-methods", hook("q"))).obj()["id"].(string)
	wantError(t, e.call("labuser", "PUT", "/v2.0/notification-methods/"+id, hook("q")), 400, "Bad Request", "Period is required")
}

func TestNotificationMethodDuplicateNames(t *testing.T) {
	e := newEnv(t)
	a := e.must(201, e.call("labuser", "POST", "/v2.0/notification-methods", hook("dup"))).obj()["id"].(string)
	wantError(t, e.call("labuser", "POST", "/v2.0/notification-methods", hook("dup")), 409,
		"AlreadyExistsException", "A notification method with the name dup already exists")
	// The name check runs before the type check.
	bad := hook("dup")
	bad["type"] = "SMS"
	if r := e.call("labuser", "POST", "/v2.0/notification-methods", bad); r.status != 409 {
		t.Fatalf("name before type: %d", r.status)
	}
	b := e.must(201, e.call("labuser", "POST", "/v2.0/notification-methods", hook("other"))).obj()["id"].(string)
	wantError(t, e.call("labuser", "PATCH", "/v2.0/notification-methods/"+b, map[string]any{"name": "dup"}), 409,
		"AlreadyExistsException", "A notification method with name dup already exists with id "+a)
	// Another project may use the same name.
	e.must(201, e.call("otheruser", "POST", "/v2.0/notification-methods", hook("dup")))
}

func TestNotificationMethodContentTypeAndJSON(t *testing.T) {
	e := newEnv(t)
	for _, ct := range []string{"text/plain", "application/json; charset=utf-8", ""} {
		wantError(t, e.call("labuser", "POST", "/v2.0/notification-methods", hook("x"), ct), 400,
			"Bad request", "Bad content type. Must be application/json")
	}
	// The content type is checked before the role.
	wantError(t, e.call("labreader", "POST", "/v2.0/notification-methods", hook("x"), "text/plain"), 400,
		"Bad request", "Bad content type. Must be application/json")
	wantError(t, e.call("labuser", "POST", "/v2.0/notification-methods", "{not json"), 400,
		"Bad request", "Request body is not valid JSON")
}

func TestNotificationMethodListPagingQuirk(t *testing.T) {
	e := newEnv(t)
	for i := range 5 {
		e.must(201, e.call("labuser", "POST", "/v2.0/notification-methods", hook(fmt.Sprintf("n%d", i))))
	}
	all := e.must(200, e.call("labuser", "GET", "/v2.0/notification-methods", nil))
	els := all.elements()
	if len(els) != 5 || all.link("next") != "" {
		t.Fatalf("list: %d elements, next %q", len(els), all.link("next"))
	}
	for _, el := range els {
		wantKeys(t, el, "id", "name", "type", "address", "period", "links")
	}
	for i := 1; i < len(els); i++ {
		if els[i-1]["id"].(string) > els[i]["id"].(string) {
			t.Fatal("default order is by id")
		}
	}

	p := e.must(200, e.call("labuser", "GET", "/v2.0/notification-methods?offset=1&limit=2", nil))
	got := p.elements()
	if len(got) != 2 || got[0]["id"] != els[1]["id"] {
		t.Fatalf("integer offset page: %v", got)
	}
	lastID := got[1]["id"].(string)
	wantNext := e.srv.URL + "/monitoring/v2.0/notification-methods?offset=" + lastID + "&limit=2"
	if p.link("next") != wantNext {
		t.Fatalf("next %q, want %q (the id of the last element as offset)", p.link("next"), wantNext)
	}
	if p.link("self") != e.srv.URL+"/monitoring/v2.0/notification-methods?offset=1&limit=2" {
		t.Fatalf("self %q", p.link("self"))
	}
	// Following the next link literally fails: the offset must be an integer.
	wantError(t, e.call("labuser", "GET", p.link("next"), nil), 422, "Unprocessable Entity",
		"Offset value "+lastID+" must be an integer")

	last := e.must(200, e.call("labuser", "GET", "/v2.0/notification-methods?offset=3&limit=2", nil))
	if len(last.elements()) != 2 || last.link("next") != "" {
		t.Fatalf("last page: %d, next %q", len(last.elements()), last.link("next"))
	}
	wantError(t, e.call("labuser", "GET", "/v2.0/notification-methods?limit=abc", nil), 422,
		"Invalid limit", "Limit parameter must be a positive integer")
}

func TestNotificationMethodSortBy(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"b", "c", "a"} {
		e.must(201, e.call("labuser", "POST", "/v2.0/notification-methods", hook(n)))
	}
	r := e.must(200, e.call("labuser", "GET", "/v2.0/notification-methods?sort_by=name%20desc", nil))
	var names []string
	for _, el := range r.elements() {
		names = append(names, el["name"].(string))
	}
	if strings.Join(names, "") != "cba" {
		t.Fatalf("sorted %v", names)
	}
	for _, bad := range []string{"nope", "name%20up", "name%20asc%20x"} {
		if r := e.call("labuser", "GET", "/v2.0/notification-methods?sort_by="+bad, nil); r.status != 422 || r.obj()["title"] != "Unprocessable Entity" {
			t.Fatalf("sort_by=%s: %d %s", bad, r.status, r.raw)
		}
	}
}

func TestNotificationMethodTypes(t *testing.T) {
	e := newEnv(t)
	r := e.must(200, e.call("labreader", "GET", "/v2.0/notification-methods/types", nil))
	var types []string
	for _, el := range r.elements() {
		wantKeys(t, el, "type")
		types = append(types, el["type"].(string))
	}
	if strings.Join(types, ",") != "EMAIL,PAGERDUTY,WEBHOOK" {
		t.Fatalf("types %v", types)
	}
	e.lab.Store().SetNotificationTypes([]string{})
	wantErrorContains(t, e.call("labuser", "POST", "/v2.0/notification-methods", hook("x")), 400, "Bad Request",
		"Not a valid notification method type WEBHOOK")
}

func TestNotificationMethodDeleteCascadesFromDefinitions(t *testing.T) {
	e := newEnv(t)
	id := e.must(201, e.call("labuser", "POST", "/v2.0/notification-methods", hook("h"))).obj()["id"].(string)
	def := e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions", map[string]any{
		"name": "d", "expression": "avg(cpu.idle_perc) < 10", "alarm_actions": []string{id}, "ok_actions": []string{id},
	})).obj()["id"].(string)
	e.must(204, e.call("labuser", "DELETE", "/v2.0/notification-methods/"+id, nil))
	d := e.must(200, e.call("labuser", "GET", "/v2.0/alarm-definitions/"+def, nil)).obj()
	if len(d["alarm_actions"].([]any)) != 0 || len(d["ok_actions"].([]any)) != 0 {
		t.Fatalf("actions survived the method: %v", d)
	}
}
