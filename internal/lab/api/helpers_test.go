package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/clock/clocktest"
	"github.com/monhook/monhook/internal/lab"
)

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

type env struct {
	t      *testing.T
	lab    *lab.Lab
	srv    *httptest.Server
	clk    *clocktest.Fake
	tokens map[string]string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clk := clocktest.New(t0)
	l := lab.New(lab.Options{Clock: clk})
	srv := httptest.NewServer(l.Handler())
	t.Cleanup(func() { srv.Close(); _ = l.Close() })
	return &env{t: t, lab: l, srv: srv, clk: clk, tokens: map[string]string{}}
}

func (e *env) token(user string) string {
	e.t.Helper()
	if tok, ok := e.tokens[user]; ok {
		return tok
	}
	tok, err := e.lab.Token(user)
	if err != nil {
		e.t.Fatal(err)
	}
	e.tokens[user] = tok
	return tok
}

// response is a decoded reply.
type response struct {
	status int
	header http.Header
	raw    []byte
	doc    any
}

func (r response) obj() map[string]any {
	m, _ := r.doc.(map[string]any)
	return m
}

func (r response) elements() []map[string]any {
	var out []map[string]any
	for _, e := range r.obj()["elements"].([]any) {
		out = append(out, e.(map[string]any))
	}
	return out
}

func (r response) link(rel string) string {
	for _, l := range r.obj()["links"].([]any) {
		if l.(map[string]any)["rel"] == rel {
			return l.(map[string]any)["href"].(string)
		}
	}
	return ""
}

// call sends a request to the Monasca API as user ("" = no token). body is
// JSON-encoded unless it is a string; contentType "" means
// application/json for requests with a body.
func (e *env) call(user, method, path string, body any, contentType ...string) response {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			buf, _ := json.Marshal(body)
			rd = bytes.NewReader(buf)
		}
	}
	url := path
	if !strings.HasPrefix(path, "http") {
		url = e.srv.URL + "/monitoring" + path
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		ct := "application/json"
		if len(contentType) > 0 {
			ct = contentType[0]
		}
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
	}
	if user != "" {
		req.Header.Set("X-Auth-Token", e.token(user))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &r.doc); err != nil {
			e.t.Fatalf("%s %s: body is not JSON: %q", method, path, raw)
		}
	}
	return r
}

// must checks the status and returns the response.
func (e *env) must(want int, r response) response {
	e.t.Helper()
	if r.status != want {
		e.t.Fatalf("status %d, want %d; body %s", r.status, want, r.raw)
	}
	return r
}

// wantError checks status and the exact error body.
func wantError(t *testing.T, r response, status int, title, desc string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.raw)
	}
	want := map[string]any{"title": title}
	if desc != "" {
		want["description"] = desc
	}
	if !maps.Equal(r.obj(), want) {
		t.Fatalf("error body %s, want %v", r.raw, want)
	}
}

// wantErrorContains checks status, title and a description substring.
func wantErrorContains(t *testing.T, r response, status int, title, descPart string) {
	t.Helper()
	if r.status != status || r.obj()["title"] != title || !strings.Contains(r.obj()["description"].(string), descPart) {
		t.Fatalf("got %d %s, want %d %q containing %q", r.status, r.raw, status, title, descPart)
	}
	if len(r.obj()) != 2 {
		t.Fatalf("error body must have exactly title and description: %s", r.raw)
	}
}

func keys(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}

func wantKeys(t *testing.T, m map[string]any, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := keys(m); !slices.Equal(got, want) {
		t.Fatalf("keys %v, want %v", got, want)
	}
}
