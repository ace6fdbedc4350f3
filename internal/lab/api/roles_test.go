package api_test

import (
	"testing"
)

func wantForbidden(t *testing.T, r response) {
	t.Helper()
	wantError(t, r, 401, "Forbidden", "The request does not have access to this service")
	if r.header.Get("WWW-Authenticate") != "Token" {
		t.Fatalf("WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
	}
}

func TestReadOnlyUserCanReadButNotWrite(t *testing.T) {
	e := newEnv(t)
	id := e.must(201, e.call("labuser", "POST", "/v2.0/notification-methods", hook("h"))).obj()["id"].(string)
	for _, path := range []string{"/v2.0/notification-methods", "/v2.0/notification-methods/" + id, "/v2.0/alarm-definitions", "/v2.0/alarms", "/v2.0/metrics"} {
		e.must(200, e.call("labreader", "GET", path, nil))
	}
	wantForbidden(t, e.call("labreader", "POST", "/v2.0/notification-methods", hook("x")))
	wantForbidden(t, e.call("labreader", "DELETE", "/v2.0/notification-methods/"+id, nil))
	wantForbidden(t, e.call("labreader", "POST", "/v2.0/alarm-definitions", map[string]any{"name": "d", "expression": "m > 1"}))
	wantForbidden(t, e.call("labreader", "POST", "/v2.0/metrics", metric("m", 1)))
}

func TestAdminRoleAloneIsForbidden(t *testing.T) {
	e := newEnv(t)
	wantForbidden(t, e.call("labadmin", "GET", "/v2.0/notification-methods", nil))
	wantForbidden(t, e.call("labadmin", "POST", "/v2.0/metrics", metric("m", 1)))
	e.must(200, e.call("labadmin", "GET", "/v2.0", nil)) // versions: any authenticated user
}

func TestAgentCanOnlyPostMetrics(t *testing.T) {
	e := newEnv(t)
	e.must(204, e.call("labagent", "POST", "/v2.0/metrics", metric("m", 1)))
	wantForbidden(t, e.call("labagent", "GET", "/v2.0/metrics", nil))
	wantForbidden(t, e.call("labagent", "GET", "/v2.0/notification-methods", nil))
	wantForbidden(t, e.call("labagent", "POST", "/v2.0/alarm-definitions", map[string]any{"name": "d", "expression": "m > 1"}))
}

func TestOtherProjectsResourcesAre404(t *testing.T) {
	e := newEnv(t)
	nm := e.must(201, e.call("labuser", "POST", "/v2.0/notification-methods", hook("h"))).obj()["id"].(string)
	def := e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions", map[string]any{"name": "d", "expression": "m > 1"})).obj()["id"].(string)
	alarm := createAlarm(t, e, def, "OK")
	for _, path := range []string{"/v2.0/notification-methods/" + nm, "/v2.0/alarm-definitions/" + def, "/v2.0/alarms/" + alarm} {
		for _, method := range []string{"GET", "DELETE"} {
			wantError(t, e.call("otheruser", method, path, nil), 404, "404 Not Found", "")
		}
	}
	if els := e.must(200, e.call("otheruser", "GET", "/v2.0/alarm-definitions", nil)).elements(); len(els) != 0 {
		t.Fatalf("other project lists %v", els)
	}
	if els := e.must(200, e.call("otheruser", "GET", "/v2.0/alarms", nil)).elements(); len(els) != 0 {
		t.Fatalf("other project lists alarms %v", els)
	}
}
