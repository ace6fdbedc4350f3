package receiver

import (
	"net/http"
	"strings"
	"testing"
)

// TestEverySecretHeaderIsRedacted: what monasca-notification or a proxy in
// front of it may send as credentials never reaches the history, the
// OnDelivery callback or the saved record; every value of a repeated header
// is replaced, and other headers are kept.
func TestEverySecretHeaderIsRedacted(t *testing.T) {
	secrets := map[string][]string{
		"X-Auth-Token":        {"gAAAA-token-secret"},
		"Authorization":       {"Bearer authz-secret", "Basic dXNlcjpwYXNz-secret"},
		"Cookie":              {"session=cookie-secret; theme=dark"},
		"Proxy-Authorization": {"Basic proxy-secret"},
	}
	for name, values := range secrets {
		t.Run(name, func(t *testing.T) {
			var seen Delivery
			r := newTestReceiver(t, Options{OnDelivery: func(d Delivery) { seen = d }})
			if code := post(r, "/tok", monascaBody, http.Header{name: values, "User-Agent": {"python-requests/2.31"}}).Code; code != http.StatusOK {
				t.Fatalf("status %d", code)
			}
			for where, d := range map[string]Delivery{"history": r.Deliveries()[0], "OnDelivery": seen} {
				got := d.Headers[name]
				if len(got) != len(values) {
					t.Fatalf("%s: %s = %q, want %d redacted values", where, name, got, len(values))
				}
				for _, v := range got {
					if v != Redacted {
						t.Errorf("%s: %s = %q, want %q", where, name, v, Redacted)
					}
				}
				if d.Headers.Get("User-Agent") != "python-requests/2.31" {
					t.Errorf("%s: User-Agent lost: %v", where, d.Headers)
				}
				if line := string(d.AppendJSON(nil)); strings.Contains(line, "secret") {
					t.Errorf("%s: saved record leaks the %s value: %s", where, name, line)
				}
			}
		})
	}
}
