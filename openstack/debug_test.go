package openstack_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/openstack"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// steppingClock advances by step on every call, so durations are exact.
func steppingClock(step time.Duration) func() time.Time {
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(step); return t }
}

func TestDebugTransportRedactsBodiesAndHeaders(t *testing.T) {
	const tokenID = "gAAAAA-the-token-id"
	reqBody := `{"auth":{"identity":{"methods":["token","application_credential"],"token":{"id":"` + tokenID + `"},
		"application_credential":{"id":"ac1","secret":"ac-secret"}},"scope":{"project":{"id":"p1"}}},
		"user":{"password":"pw1","old_password":"pw0"}}`
	var sentBody string
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		sentBody = string(b)
		return &http.Response{
			StatusCode: 201, Status: "201 Created", Request: r,
			Header: http.Header{"Content-Type": {"application/json"}, "X-Subject-Token": {tokenID}},
			Body:   io.NopCloser(strings.NewReader(`{"token":{"expires_at":"2026-01-01T01:00:00Z","project":{"id":"p1"}}}`)),
		}, nil
	})
	var out bytes.Buffer
	tr := &openstack.DebugTransport{Base: base, Out: &out, Now: steppingClock(250 * time.Millisecond)}
	req, _ := http.NewRequest("POST", "http://ks/v3/auth/tokens", strings.NewReader(reqBody))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Auth-Token", tokenID)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(got), `"expires_at"`) {
		t.Errorf("caller lost the response body: %q", got)
	}
	if sentBody != reqBody {
		t.Errorf("server got %q, want the unmodified body", sentBody)
	}
	trace := out.String()
	for _, secret := range []string{tokenID, "ac-secret", "pw1", "pw0"} {
		if strings.Contains(trace, secret) {
			t.Errorf("trace leaks %q:\n%s", secret, trace)
		}
	}
	for _, want := range []string{"--> POST http://ks/v3/auth/tokens", "<-- POST http://ks/v3/auth/tokens 201 Created (250ms)",
		`"token":{"id":"***"}`, `"secret":"***"`, `"password":"***"`, `"project":{"id":"p1"}`, "X-Auth-Token: ***", "X-Subject-Token: ***",
		`"expires_at":"2026-01-01T01:00:00Z"`} {
		if !strings.Contains(trace, want) {
			t.Errorf("trace lacks %q:\n%s", want, trace)
		}
	}
}

func TestDebugTransportNeverPrintsNonJSONBodies(t *testing.T) {
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 500, Status: "500 Internal Server Error", Request: r,
			Header: http.Header{"Content-Type": {"text/html"}},
			Body:   io.NopCloser(strings.NewReader("<html>password=hunter2</html>"))}, nil
	})
	var out bytes.Buffer
	tr := &openstack.DebugTransport{Base: base, Out: &out}
	req, _ := http.NewRequest("POST", "http://mon/v2.0/metrics", strings.NewReader("password=hunter2"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if _, err := tr.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "hunter2") {
		t.Errorf("trace prints a non-JSON body:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "[29 bytes of text/html not shown]") {
		t.Errorf("trace lacks the body summary:\n%s", out.String())
	}
}

func TestDebugTransportTracesTransportErrors(t *testing.T) {
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) { return nil, io.ErrUnexpectedEOF })
	var out bytes.Buffer
	tr := &openstack.DebugTransport{Base: base, Out: &out, Now: steppingClock(time.Second)}
	req, _ := http.NewRequest("GET", "http://mon/v2.0", nil)
	if _, err := tr.RoundTrip(req); err != io.ErrUnexpectedEOF {
		t.Fatalf("err = %v, want the transport's error unchanged", err)
	}
	if !strings.Contains(out.String(), "<-- GET http://mon/v2.0 failed after 1s: unexpected EOF") {
		t.Errorf("trace = %q", out.String())
	}
}

func TestDebugTransportRedactsNotificationMethodAddresses(t *testing.T) {
	const hook = "http://10.0.0.5:8080/8f0c2b7d1e4a4c2fa1b3d5e7f9a0b2c4"
	base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{
			StatusCode: 201, Status: "201 Created", Request: r,
			Header: http.Header{"Content-Type": {"application/json"}},
			Body:   io.NopCloser(strings.NewReader(`{"id":"m1","name":"n","type":"WEBHOOK","address":"` + hook + `","period":0}`)),
		}, nil
	})
	var out bytes.Buffer
	tr := &openstack.DebugTransport{Base: base, Out: &out}
	req, _ := http.NewRequest("POST", "http://mon/v2.0/notification-methods",
		strings.NewReader(`{"name":"n","type":"WEBHOOK","address":"`+hook+`"}`))
	req.Header.Set("Content-Type", "application/json")
	if _, err := tr.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "8f0c2b7d1e4a") {
		t.Errorf("trace leaks the webhook token:\n%s", out.String())
	}
	if !strings.Contains(out.String(), `"address":"***"`) {
		t.Errorf("trace does not show the redacted address:\n%s", out.String())
	}
}
