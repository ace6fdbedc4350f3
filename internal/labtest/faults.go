package labtest

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"
)

// Proxy fronts the Monasca API at target (a service client's
// ResourceBaseURL) with wrap(api), api being a reverse proxy to target:
// wrap decides which requests fail, stall or pass. It returns the proxy's
// URL with target's path, for openstack.NewMonitoringV2FromURL; the proxy
// stops when the test ends.
func Proxy(t testing.TB, target string, wrap func(api http.Handler) http.Handler) string {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(wrap(httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})))
	t.Cleanup(srv.Close)
	return srv.URL + u.Path
}

// Fail answers as a Monasca that failed inside does: 500 with its JSON
// error body, the description saying the failure was injected.
func Fail(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte(`{"title":"Internal Server Error","description":"injected"}`))
}

// FailDeletes is Proxy failing the DELETEs match accepts (nil: every
// DELETE) and passing everything else through.
func FailDeletes(t testing.TB, target string, match func(*http.Request) bool) string {
	t.Helper()
	return Proxy(t, target, func(api http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodDelete && (match == nil || match(r)) {
				Fail(w)
				return
			}
			api.ServeHTTP(w, r)
		})
	})
}
