package api_test

import (
	"net/http"
	"testing"
	"time"
)

func TestVersionsList(t *testing.T) {
	e := newEnv(t)
	r := e.must(200, e.call("labreader", "GET", "/", nil))
	if r.link("self") != e.srv.URL+"/monitoring/" {
		t.Fatalf("self %q", r.link("self"))
	}
	els := r.elements()
	if len(els) != 1 || els[0]["id"] != "v2.0" || els[0]["status"] != "CURRENT" || els[0]["updated"] != "2013-03-06T00:00:00.000Z" {
		t.Fatalf("elements %v", els)
	}
	if href := els[0]["links"].([]any)[0].(map[string]any)["href"]; href != e.srv.URL+"/monitoring/v2.0" {
		t.Fatalf("version href %v", href)
	}
}

func TestVersionsListWithoutTrailingSlash(t *testing.T) {
	e := newEnv(t)
	r := e.must(200, e.call("labuser", "GET", e.srv.URL+"/monitoring", nil))
	if len(r.elements()) != 1 {
		t.Fatalf("GET /monitoring: %s", r.raw)
	}
}

func TestVersionGetIsASingleObject(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/v2.0", "/v2.0/"} {
		r := e.must(200, e.call("labadmin", "GET", path, nil)) // any authenticated user
		wantKeys(t, r.obj(), "id", "links", "status", "updated")
		if _, err := time.Parse("2006-01-02T15:04:05.000Z", r.obj()["updated"].(string)); err != nil {
			t.Fatal(err)
		}
		if r.link("self") != e.srv.URL+"/monitoring/v2.0" {
			t.Fatalf("self %q", r.link("self"))
		}
	}
}

func TestUnknownVersionIs422(t *testing.T) {
	e := newEnv(t)
	wantError(t, e.call("labuser", "GET", "/v3.0", nil), 422, "Invalid version", "No versions found matching v3.0")
}

func TestMissingOrInvalidTokenIsKeystonemiddleware401(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/", "/v2.0", "/v2.0/alarms"} {
		r := e.call("", "GET", path, nil)
		if r.status != 401 || r.header.Get("WWW-Authenticate") == "" {
			t.Fatalf("%s: %d %v", path, r.status, r.header)
		}
		errObj := r.obj()["error"].(map[string]any)
		if errObj["title"] != "Unauthorized" || errObj["code"] != float64(401) || errObj["message"] != "The request you have made requires authentication." {
			t.Fatalf("body %s", r.raw)
		}
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/monitoring/v2.0/alarms", nil)
	req.Header.Set("X-Auth-Token", "forged")
	req.Header.Set("X-Roles", "monasca-user") // the middleware strips these
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("forged token: %d", resp.StatusCode)
	}
}

func TestExpiredTokenIs401(t *testing.T) {
	e := newEnv(t)
	e.must(200, e.call("labuser", "GET", "/v2.0/alarms", nil))
	e.clk.Advance(time.Hour)
	if r := e.call("labuser", "GET", "/v2.0/alarms", nil); r.status != 401 {
		t.Fatalf("expired token: %d", r.status)
	}
}

func TestHealthcheckNeedsNoToken(t *testing.T) {
	e := newEnv(t)
	r := e.must(200, e.call("", "GET", "/healthcheck", nil))
	wantKeys(t, r.obj(), "kafka", "alarms_database", "metrics_database")
	e.must(204, e.call("", "HEAD", "/healthcheck", nil))
}

func TestUnknownPathAndMethod(t *testing.T) {
	e := newEnv(t)
	wantError(t, e.call("labuser", "GET", "/v2.0/nope", nil), 404, "404 Not Found", "")
	r := e.call("labuser", "DELETE", "/v2.0/notification-methods", nil)
	if r.status != 405 || r.header.Get("Allow") == "" {
		t.Fatalf("405: %d %v", r.status, r.header)
	}
}
