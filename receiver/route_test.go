package receiver

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestFixedPathServesExactlyThatPathWithoutAToken(t *testing.T) {
	r := startReceiver(t, Options{FixedPath: "/openstack/alerts/", Listen: "127.0.0.1:0"})
	if got := r.CallbackPath(); got != "/openstack/alerts" {
		t.Fatalf("CallbackPath = %q", got)
	}
	if !strings.HasSuffix(r.CallbackURL(), "/openstack/alerts") {
		t.Fatalf("CallbackURL = %q", r.CallbackURL())
	}
	if rec := post(r, "/openstack/alerts", monascaBody, nil); rec.Code != 200 {
		t.Fatalf("delivery answered %d", rec.Code)
	}
	rec := post(r, "/alerts", monascaBody, nil)
	body, _ := io.ReadAll(rec.Body)
	if rec.Code != 404 || !strings.Contains(string(body), "POST "+r.CallbackURL()) {
		t.Fatalf("wrong path: %d %q, want 404 naming %s", rec.Code, body, r.CallbackURL())
	}
}

func TestFixedPathUnderACallbackPrefix(t *testing.T) {
	r := newTestReceiverNoToken(t, Options{FixedPath: "/alerts", CallbackURL: "https://hooks.example.com/monasca"})
	if r.CallbackPath() != "/monasca/alerts" {
		t.Fatalf("CallbackPath = %q", r.CallbackPath())
	}
}

func TestTokenPathNotFoundKeepsTheSecret(t *testing.T) {
	r := newTestReceiver(t, Options{})
	rec := post(r, "/", monascaBody, nil)
	body := rec.Body.String()
	if rec.Code != 404 || strings.Contains(body, "tok") || !strings.Contains(body, "secret callback path") {
		t.Fatalf("404 body %q must hint without the token", body)
	}
}

func TestFixedPathValidation(t *testing.T) {
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{FixedPath: "alerts"}, "must start with /"},
		{Options{FixedPath: "/"}, "root"},
		{Options{FixedPath: "/a/../b"}, ".."},
		{Options{FixedPath: "/a b"}, "not allowed"},
		{Options{FixedPath: "/a?x=1"}, "not allowed"},
		{Options{FixedPath: "/a", Token: "t"}, "exclude"},
		{Options{FixedPath: "/healthz"}, "health route"},
	} {
		if _, err := New(tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want an error naming %q", tc.opts, err, tc.want)
		}
	}
}

func TestHealthRouteIsNeitherDeliveryNorStray(t *testing.T) {
	r := newTestReceiver(t, Options{})
	post(r, "/tok", monascaBody, nil)
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, HealthPath, nil))
	var got struct {
		Status     string `json:"status"`
		Deliveries int    `json:"deliveries"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != 200 || got.Status != "ok" || got.Deliveries != 1 {
		t.Fatalf("GET %s = %d %q", HealthPath, rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, HealthPath, strings.NewReader("{}")))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST %s = %d, want 405", HealthPath, rec.Code)
	}
	if s := r.Stats(); s.Strays != 0 || s.Deliveries != 1 {
		t.Errorf("stats %+v: the health route must not count", s)
	}
}

func newTestReceiverNoToken(t *testing.T, opts Options) *Receiver {
	t.Helper()
	r, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
