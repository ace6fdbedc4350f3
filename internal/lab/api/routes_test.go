package api_test

import "testing"

// Methods a route does not serve are answered as falcon answers them for
// monasca-api's resources: 405 titled "405 Method Not Allowed" with Allow
// listing the resource class's on_* methods (sorted) and then OPTIONS;
// HEAD is one of them (no resource but the healthcheck has on_head).
func TestMethodNotAllowedListsTheResourceMethods(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct{ method, path, allow string }{
		{"POST", "/v2.0/alarms", "DELETE, GET, PATCH, PUT, OPTIONS"},
		{"POST", "/v2.0/alarms/some-id", "DELETE, GET, PATCH, PUT, OPTIONS"},
		{"HEAD", "/v2.0/alarms", "DELETE, GET, PATCH, PUT, OPTIONS"},
		{"DELETE", "/v2.0/metrics", "GET, POST, OPTIONS"},
		{"POST", "/v2.0/metrics/names", "GET, OPTIONS"},
		{"HEAD", "/v2.0/metrics/measurements", "GET, OPTIONS"},
		{"PUT", "/v2.0/alarms/count", "GET, OPTIONS"},
		{"POST", "/v2.0", "GET, OPTIONS"},
		{"HEAD", "/", "GET, OPTIONS"},
		{"POST", "/v2.0/notification-methods/some-id", "DELETE, GET, PATCH, POST, PUT, OPTIONS"},
		{"POST", "/healthcheck", "GET, HEAD, OPTIONS"},
	} {
		r := e.call("labuser", c.method, c.path, nil)
		if r.status != 405 || r.header.Get("Allow") != c.allow {
			t.Errorf("%s %s: %d Allow %q, want 405 Allow %q", c.method, c.path, r.status, r.header.Get("Allow"), c.allow)
			continue
		}
		if c.method != "HEAD" {
			wantError(t, r, 405, "405 Method Not Allowed", "")
		}
	}
}

// OPTIONS gets falcon's default responder (after keystonemiddleware, so a
// token is needed): 200, no body, Allow without OPTIONS itself.
func TestOptionsListsTheMethods(t *testing.T) {
	e := newEnv(t)
	r := e.call("labreader", "OPTIONS", "/v2.0/metrics", nil)
	if r.status != 200 || r.header.Get("Allow") != "GET, POST" || len(r.raw) != 0 {
		t.Fatalf("OPTIONS /v2.0/metrics: %d Allow %q body %q", r.status, r.header.Get("Allow"), r.raw)
	}
	if r := e.call("labuser", "OPTIONS", "/v2.0/alarm-definitions/x", nil); r.header.Get("Allow") != "DELETE, GET, PATCH, POST, PUT" {
		t.Fatalf("OPTIONS /v2.0/alarm-definitions/x: Allow %q", r.header.Get("Allow"))
	}
	if r := e.call("", "OPTIONS", "/v2.0/metrics", nil); r.status != 401 {
		t.Fatalf("OPTIONS without a token: %d", r.status)
	}
}

// NotificationsTypeV2API keeps its 501 stubs for every method but GET,
// with no body and no role check.
func TestNotificationTypesStubs(t *testing.T) {
	e := newEnv(t)
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		if r := e.call("labreader", m, "/v2.0/notification-methods/types", nil); r.status != 501 || len(r.raw) != 0 {
			t.Errorf("%s /notification-methods/types: %d %q, want 501 and no body", m, r.status, r.raw)
		}
	}
}

// A path no route matches is falcon's HTTPRouteNotFound.
func TestUnknownPathIsRouteNotFound(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/v2.0/nothing", "/v2.0/alarms/x/y/z", "/v3.0/alarms"} {
		r := e.call("labuser", "GET", p, nil)
		wantError(t, r, 404, "404 Not Found", "")
		if ct := r.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type %q", p, ct)
		}
	}
}
