package api_test

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/monhook/monhook/internal/clock/clocktest"
	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/lab/profile"
)

func newProfileEnv(t *testing.T, release, api string) *env {
	t.Helper()
	clk := clocktest.New(t0)
	l := lab.New(lab.Options{Clock: clk, Profile: profile.MustParse(release, api)})
	srv := httptest.NewServer(l.Handler())
	t.Cleanup(func() { srv.Close(); _ = l.Close() })
	return &env{t: t, lab: l, srv: srv, clk: clk, tokens: map[string]string{}}
}

var mitakaHook = map[string]any{"name": "h", "type": "webhook", "address": "http://127.0.0.1:9/x"}

// Mitaka's notification-methods API: no types route, no period, no PATCH
// (monasca-api mitaka-eol, see the lab package doc).
func TestMitakaNotificationMethods(t *testing.T) {
	e := newProfileEnv(t, "mitaka", "")

	// The types path is the item route with the id "types": 404.
	wantError(t, e.call("labuser", "GET", "/v2.0/notification-methods/types", nil), 404, "404 Not Found", "")

	// A period is an extra key to Mitaka's schema.
	withPeriod := map[string]any{"name": "p", "type": "WEBHOOK", "address": "http://127.0.0.1:9/x", "period": 0}
	wantError(t, e.call("labuser", "POST", "/v2.0/notification-methods", withPeriod), 400, "Bad Request",
		"extra keys not allowed @ data['period']")

	// Types are the schema's six literals.
	slack := map[string]any{"name": "s", "type": "SLACK", "address": "http://127.0.0.1:9/x"}
	wantError(t, e.call("labuser", "POST", "/v2.0/notification-methods", slack), 400, "Bad Request",
		"not a valid value for dictionary value @ data['type']")

	created := e.must(201, e.call("labuser", "POST", "/v2.0/notification-methods", mitakaHook)).obj()
	wantKeys(t, created, "id", "name", "type", "address", "links")
	if created["type"] != "WEBHOOK" {
		t.Fatalf("type %v, want WEBHOOK (upper-cased)", created["type"])
	}
	id := created["id"].(string)
	wantKeys(t, e.must(200, e.call("labuser", "GET", "/v2.0/notification-methods/"+id, nil)).obj(),
		"id", "name", "type", "address", "links")
	for _, el := range e.must(200, e.call("labuser", "GET", "/v2.0/notification-methods", nil)).elements() {
		wantKeys(t, el, "id", "name", "type", "address", "links")
	}

	// No on_patch: 405 with the resource's other methods.
	r := e.call("labuser", "PATCH", "/v2.0/notification-methods/"+id, map[string]any{"name": "n"})
	wantError(t, r, 405, "405 Method Not Allowed", "")
	if got := r.header.Get("Allow"); got != "DELETE, GET, POST, PUT, OPTIONS" {
		t.Fatalf("Allow %q", got)
	}

	if got := e.call("labuser", "PATCH", "/v2.0/notification-methods", nil).header.Get("Allow"); got != "DELETE, GET, POST, PUT, OPTIONS" {
		t.Fatalf("collection Allow %q", got)
	}

	// PUT takes the same three keys; no "Period is required".
	e.must(200, e.call("labuser", "PUT", "/v2.0/notification-methods/"+id,
		map[string]any{"name": "h2", "type": "email", "address": "a@b.c"}))

	// sort_by is not read: an unknown field is no 422.
	e.must(200, e.call("labuser", "GET", "/v2.0/notification-methods?sort_by=nonsense", nil))
}

// From Newton on the latest behaviour holds: types, period, PATCH.
func TestNewtonNotificationMethods(t *testing.T) {
	e := newProfileEnv(t, "newton", "")
	e.must(200, e.call("labuser", "GET", "/v2.0/notification-methods/types", nil))
	withPeriod := map[string]any{"name": "p", "type": "WEBHOOK", "address": "http://127.0.0.1:9/x", "period": 60}
	m := e.must(201, e.call("labuser", "POST", "/v2.0/notification-methods", withPeriod)).obj()
	if m["period"] != float64(60) {
		t.Fatalf("period %v", m["period"])
	}
	e.must(200, e.call("labuser", "PATCH", "/v2.0/notification-methods/"+m["id"].(string), map[string]any{"name": "q"}))
}

// Newton to Train refuse a period on anything but WEBHOOK; Ussuri allows it.
func TestPeriodOnEmailFromUssuriOn(t *testing.T) {
	mail := map[string]any{"name": "e", "type": "EMAIL", "address": "a@b.c", "period": 60}
	for _, rel := range []string{"newton", "train"} {
		e := newProfileEnv(t, rel, "")
		r := e.call("labuser", "POST", "/v2.0/notification-methods", mail)
		if r.status != 400 || !strings.Contains(string(r.raw), "Period can only be set with webhooks") {
			t.Errorf("%s: %d %s", rel, r.status, r.raw)
		}
	}
	e := newProfileEnv(t, "ussuri", "")
	e.must(201, e.call("labuser", "POST", "/v2.0/notification-methods", mail))
}

var internalCode = regexp.MustCompile(`^[0-9a-f]{1,16}$`)

// wantJavaFault checks a Java API error: {"<fault>": {code, message,
// details, internal_code}} and nothing else.
func wantJavaFault(t *testing.T, r response, status int, fault, message, details string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.raw)
	}
	if len(r.obj()) != 1 {
		t.Fatalf("want one fault key, got %s", r.raw)
	}
	f, ok := r.obj()[fault].(map[string]any)
	if !ok {
		t.Fatalf("want fault %q, got %s", fault, r.raw)
	}
	wantKeys(t, f, "code", "message", "details", "internal_code")
	if f["code"] != float64(status) || f["message"] != message || f["details"] != details ||
		!internalCode.MatchString(f["internal_code"].(string)) {
		t.Fatalf("fault %s, want code %d message %q details %q", r.raw, status, message, details)
	}
}

func TestJavaAuthentication(t *testing.T) {
	e := newProfileEnv(t, "", "java")
	r := e.call("", "GET", "/v2.0/notification-methods", nil)
	wantJavaFault(t, r, 401, "unauthorized", "Failed to authenticate request", "")
	if !strings.HasPrefix(string(r.raw), `{"unauthorized":{"code":401,"message":`) {
		t.Fatalf("Jackson writes the fields in declaration order: %s", r.raw)
	}
	// A valid token without a Monasca role: the role refusal, one 401.
	wantJavaFault(t, e.call("labadmin", "GET", "/v2.0/notification-methods", nil), 401, "unauthorized",
		"Tenant is missing a required role to access this service", "")
	// The read-only role may GET, nothing else.
	e.must(200, e.call("labreader", "GET", "/v2.0/notification-methods", nil))
	wantJavaFault(t, e.call("labreader", "POST", "/v2.0/notification-methods", mitakaHook), 401, "unauthorized",
		"Tenant is missing a required role to access this service", "")
	// An agent-only user may post metrics and nothing else (400).
	wantJavaFault(t, e.call("labagent", "GET", "/v2.0/notification-methods", nil), 400, "bad_request",
		"User is missing a required role to perform this request", "")
}

func TestJavaNotificationMethods(t *testing.T) {
	e := newProfileEnv(t, "", "java")
	post := func(body any) response { return e.call("labuser", "POST", "/v2.0/notification-methods", body) }

	wantJavaFault(t, post(map[string]any{"type": "WEBHOOK", "address": ""}), 422, "unprocessable_entity",
		"[address may not be empty (was ), address size must be between 1 and 512 (was ), name may not be empty (was null)]", "")
	wantJavaFault(t, post(map[string]any{"name": "n", "type": "WEBHOOK", "address": "http://127.0.0.1:9/", "period": "x"}),
		422, "unprocessable_entity", "period (x) must be valid number", "")
	wantJavaFault(t, post(map[string]any{"name": "n", "type": "WEBHOOK", "address": "http://127.0.0.1:9/", "period": 30}),
		422, "unprocessable_entity", "30 is not a valid period", "")
	wantJavaFault(t, post(map[string]any{"name": "n", "type": "EMAIL", "address": "a@b.c", "period": 60}),
		422, "unprocessable_entity", "Period can not be non zero for EMAIL", "")
	wantJavaFault(t, post(map[string]any{"name": "n", "type": "WEBHOOK", "address": "http://127.0.0.1:9/", "foo": 1}),
		422, "unprocessable_entity", "Unable to process the provided JSON",
		`Unrecognized field "foo" (class monasca.api.app.command.CreateNotificationMethodCommand), not marked as ignorable`)
	wantJavaFault(t, post("{"), 400, "bad_request", "Unable to process the provided JSON", "")
	wantJavaFault(t, post(map[string]any{"name": "n", "type": "CARRIERPIGEON", "address": "x"}),
		404, "not_found", "Not a valid notification method type CARRIERPIGEON ", "")

	m := e.must(201, post(mitakaHook)).obj()
	tenant := e.lab.Users()[0].ProjectID
	wantJavaFault(t, post(mitakaHook), 409, "conflict", `Notification method `+tenant+` "h" already exists.`, "")
	wantJavaFault(t, e.call("labuser", "GET", "/v2.0/notification-methods/nope", nil), 404, "not_found",
		"No notification method exists for nope", "")
	// PUT needs a period; PATCH keeps the stored fields.
	wantJavaFault(t, e.call("labuser", "PUT", "/v2.0/notification-methods/"+m["id"].(string),
		map[string]any{"name": "h", "type": "WEBHOOK", "address": "http://127.0.0.1:9/"}),
		422, "unprocessable_entity", "[period may not be null (was null)]", "")
	p := e.must(200, e.call("labuser", "PATCH", "/v2.0/notification-methods/"+m["id"].(string), map[string]any{"period": 60})).obj()
	if p["name"] != "h" || p["period"] != float64(60) {
		t.Fatalf("patched %v", p)
	}
	// Jersey's bare 415 for another media type.
	if r := e.call("labuser", "POST", "/v2.0/notification-methods", mitakaHook, "text/plain"); r.status != 415 || len(r.raw) != 0 {
		t.Fatalf("got %d %s, want a bare 415", r.status, r.raw)
	}
}

// Links.getNextLink: the offset first, then the other parameters in
// java.util.HashMap order (limit hashes to bucket 8, sort_by to 11),
// java.net.URLEncoder's encoding; the self link is the request URI.
func TestJavaPagingLinks(t *testing.T) {
	e := newProfileEnv(t, "", "java")
	for _, n := range []string{"a", "b", "c"} {
		e.must(201, e.call("labuser", "POST", "/v2.0/notification-methods",
			map[string]any{"name": n, "type": "WEBHOOK", "address": "http://127.0.0.1:9/x"}))
	}
	r := e.must(200, e.call("labuser", "GET", "/v2.0/notification-methods?sort_by=name%20asc&limit=2", nil))
	if self := r.link("self"); self != e.srv.URL+"/monitoring/v2.0/notification-methods?sort_by=name%20asc&limit=2" {
		t.Fatalf("self %s", self)
	}
	last := r.elements()[1]["id"].(string)
	want := e.srv.URL + "/monitoring/v2.0/notification-methods?offset=" + last + "&limit=2&sort_by=name+asc"
	if next := r.link("next"); next != want {
		t.Fatalf("next\n %s\nwant\n %s", next, want)
	}
}

// Before Newton the expression grammar had no "deterministic" and no last()
// (monasca_api/expression_parser/alarm_expr_parser.py@mitaka-eol).
func TestMitakaAlarmExpressions(t *testing.T) {
	def := func(name, expression string) map[string]any {
		return map[string]any{"name": name, "expression": expression}
	}
	m := newProfileEnv(t, "mitaka", "")
	r := m.call("labuser", "POST", "/v2.0/alarm-definitions", def("d", "avg(cpu.idle_perc, deterministic) < 10"))
	wantErrorContains(t, r, 422, "Invalid alarm expression", "parser failed on expression")
	r = m.call("labuser", "POST", "/v2.0/alarm-definitions", def("l", "last(cpu.idle_perc) < 10"))
	if r.status != 422 {
		t.Fatalf("last() in mitaka: %d %s", r.status, r.raw)
	}
	m.must(201, m.call("labuser", "POST", "/v2.0/alarm-definitions", def("ok", "avg(cpu.idle_perc, 120) < 10 times 3")))

	n := newProfileEnv(t, "newton", "")
	n.must(201, n.call("labuser", "POST", "/v2.0/alarm-definitions", def("d", "avg(cpu.idle_perc, deterministic) < 10")))
	n.must(201, n.call("labuser", "POST", "/v2.0/alarm-definitions", def("l", "last(cpu.idle_perc) < 10")))
}

// The Java API's alarm-definition checks (AlarmDefinitionResource.create,
// CreateAlarmDefinitionCommand, AlarmValidation, AlarmDefinitionService).
func TestJavaAlarmDefinitions(t *testing.T) {
	e := newProfileEnv(t, "", "java")
	post := func(body any) response { return e.call("labuser", "POST", "/v2.0/alarm-definitions", body) }
	ue := "unprocessable_entity"
	wantJavaFault(t, post(map[string]any{"description": "x"}), 422, ue,
		"[expression may not be empty (was null), name may not be empty (was null)]", "")
	wantJavaFault(t, post(map[string]any{"name": strings.Repeat("n", 256), "expression": "m > 1"}), 422, ue,
		"Name "+strings.Repeat("n", 256)+" must be 255 characters or less", "")
	wantJavaFault(t, post(map[string]any{"name": "d", "expression": "m > 1", "severity": "urgent"}), 422, ue,
		"urgent is not a valid severity", "")
	wantJavaFault(t, post(map[string]any{"name": "d", "expression": "m > 1", "alarm_actions": []string{"a", "a"}}), 422, ue,
		"Alarm definition cannot have Duplicate alarm notification methods", "")
	wantJavaFault(t, post(map[string]any{"name": "d", "expression": "m > 1", "ok_actions": "nope"}), 422, ue,
		"No notification method exists for action nope", "")
	wantJavaFault(t, post(map[string]any{"name": "d", "expression": "avg(m, 61) > 1"}), 422, ue,
		"Period 61 must be a multiple of 60", "")
	wantJavaFault(t, post(map[string]any{"name": "d", "expression": "m > 1 times 0"}), 422, ue,
		"Periods 0 must be greater than or equal to 1", "")
	r := post(map[string]any{"name": "d", "expression": "avg(m >"})
	if f, _ := r.obj()[ue].(map[string]any); r.status != 422 || f["message"] != "The alarm expression is invalid" ||
		!strings.Contains(f["details"].(string), "parser failed") {
		t.Fatalf("bad expression: %d %s", r.status, r.raw)
	}
	d := e.must(201, post(map[string]any{"name": "d", "expression": "m > 1", "severity": "high"})).obj()
	if d["severity"] != "HIGH" {
		t.Fatalf("severity %v", d["severity"])
	}
	tenant := e.lab.Users()[0].ProjectID
	wantJavaFault(t, post(map[string]any{"name": "d", "expression": "m > 1"}), 409, "conflict",
		"An alarm definition already exists for project / tenant: "+tenant+" named: d", "")
	wantJavaFault(t, e.call("labuser", "GET", "/v2.0/alarm-definitions/nope", nil), 404, "not_found",
		"No alarm definition exists for nope", "")
}

// The Java API before Newton: no period field, the type an enum of three,
// no types route, no PATCH (java/ at mitaka-eol).
func TestJavaMitakaNotificationMethods(t *testing.T) {
	e := newProfileEnv(t, "mitaka", "java")
	post := func(body any) response { return e.call("labuser", "POST", "/v2.0/notification-methods", body) }
	wantJavaFault(t, post(map[string]any{"name": "n", "type": "WEBHOOK", "address": "http://127.0.0.1:9/", "period": 0}),
		422, "unprocessable_entity", "Unable to process the provided JSON",
		`Unrecognized field "period" (class monasca.api.app.command.CreateNotificationMethodCommand), not marked as ignorable`)
	wantJavaFault(t, post(map[string]any{"name": "n", "type": "slack", "address": "http://127.0.0.1:9/"}),
		422, "unprocessable_entity", "Unable to process the provided JSON",
		"No enum constant monasca.api.domain.model.notificationmethod.NotificationMethodType.SLACK")
	m := e.must(201, post(map[string]any{"name": "n", "type": "webhook", "address": "http://127.0.0.1:9/"})).obj()
	wantKeys(t, m, "id", "name", "type", "address", "links")
	e.must(200, e.call("labuser", "PUT", "/v2.0/notification-methods/"+m["id"].(string),
		map[string]any{"name": "n2", "type": "EMAIL", "address": "a@b.c"}))
	if r := e.call("labuser", "PATCH", "/v2.0/notification-methods/"+m["id"].(string), map[string]any{"name": "x"}); r.status != 405 {
		t.Fatalf("PATCH: %d", r.status)
	}
	wantJavaFault(t, e.call("labuser", "GET", "/v2.0/notification-methods/types", nil), 404, "not_found",
		"No notification method exists for types", "")
}
