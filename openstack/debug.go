package openstack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// redacted replaces every secret in the trace.
const redacted = "***"

// maxLoggedBody caps how much of a body the trace prints.
const maxLoggedBody = 64 << 10

// sensitiveHeaders are never printed.
var sensitiveHeaders = map[string]bool{
	"X-Auth-Token":    true,
	"X-Subject-Token": true,
	"X-Service-Token": true,
	"Authorization":   true,
	"Cookie":          true,
	"Set-Cookie":      true,
}

// DebugTransport is an http.RoundTripper that writes a trace of every
// request and response to Out: method, URL, status, duration, headers and
// JSON bodies, with tokens, passwords and application-credential secrets
// replaced by ***. Bodies that are not JSON are summarised, never printed,
// because they could hold anything. Hand-written because no library
// redacts Keystone's and Monasca's secrets (token ids, passwords, app
// credential secrets) inside JSON bodies.
type DebugTransport struct {
	// Base does the real work; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Out receives the trace.
	Out io.Writer
	// Now is the clock for durations; nil means time.Now.
	Now func() time.Time

	mu sync.Mutex // one request's lines stay together
}

// RoundTrip traces req and its response.
func (t *DebugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	now := t.Now
	if now == nil {
		now = time.Now
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}

	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		reqBody = b
		// RoundTrippers must not modify the caller's request: send a clone.
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}

	var buf bytes.Buffer
	fmt.Fprintf(&buf, "--> %s %s\n", req.Method, req.URL.Redacted())
	writeHeaders(&buf, req.Header)
	writeBody(&buf, req.Header.Get("Content-Type"), reqBody)

	start := now()
	resp, err := base.RoundTrip(req)
	elapsed := now().Sub(start)
	if err != nil {
		fmt.Fprintf(&buf, "<-- %s %s failed after %s: %v\n", req.Method, req.URL.Redacted(), elapsed.Round(time.Millisecond), err)
		t.flush(&buf)
		return nil, err
	}

	respBody, readErr := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	fmt.Fprintf(&buf, "<-- %s %s %s (%s)\n", req.Method, req.URL.Redacted(), resp.Status, elapsed.Round(time.Millisecond))
	writeHeaders(&buf, resp.Header)
	writeBody(&buf, resp.Header.Get("Content-Type"), respBody)
	t.flush(&buf)
	if readErr != nil {
		return nil, readErr
	}
	return resp, nil
}

func (t *DebugTransport) flush(buf *bytes.Buffer) {
	if t.Out == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	_, _ = t.Out.Write(buf.Bytes())
}

func writeHeaders(w io.Writer, h http.Header) {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := strings.Join(h[k], ", ")
		if sensitiveHeaders[http.CanonicalHeaderKey(k)] {
			v = redacted
		}
		fmt.Fprintf(w, "    %s: %s\n", k, v)
	}
}

func writeBody(w io.Writer, contentType string, body []byte) {
	if len(body) == 0 {
		return
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	var v any
	if (mt == "" || mt == "application/json" || strings.HasSuffix(mt, "+json")) && json.Unmarshal(body, &v) == nil {
		out, err := json.Marshal(redactJSON(v, ""))
		if err == nil {
			if len(out) > maxLoggedBody {
				fmt.Fprintf(w, "    %s… (%d bytes, truncated)\n", out[:maxLoggedBody], len(out))
				return
			}
			fmt.Fprintf(w, "    %s\n", out)
			return
		}
	}
	fmt.Fprintf(w, "    [%d bytes of %s not shown]\n", len(body), orUnknown(contentType))
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown content type"
	}
	return s
}

// redactJSON returns a copy of v with secret values replaced. parent is the
// key v was found under: a token's "id" is its secret.
func redactJSON(v any, parent string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			if isSecretKey(k, parent) {
				if _, isString := val.(string); isString {
					out[k] = redacted
					continue
				}
			}
			out[k] = redactJSON(val, k)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = redactJSON(val, parent)
		}
		return out
	}
	return v
}

func isSecretKey(key, parent string) bool {
	k := strings.ToLower(key)
	switch k {
	case "password", "secret", "passcode", "token", "access_token", "refresh_token", "auth_token",
		"x-auth-token", "x-subject-token", "application_credential_secret", "client_secret", "totp":
		return true
	}
	if strings.Contains(k, "password") || strings.Contains(k, "secret") {
		return true
	}
	// A notification method's address is a webhook URL carrying an
	// unguessable token (monhook's own callback), a PagerDuty integration
	// key or an e-mail address: never trace it.
	if k == "address" {
		return true
	}
	// {"token":{"id":"…"}} is token auth; {"access":{"token":{"id":…}}} is Keystone v2.
	return k == "id" && strings.EqualFold(parent, "token")
}
