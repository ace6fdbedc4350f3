package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/monhook/monhook/internal/lab"
)

// FuzzAlarmDefinitionExpression: whatever the expression, POST answers 201
// or 422 "Invalid alarm expression" (never a 500), and an accepted
// expression reads back unchanged.
func FuzzAlarmDefinitionExpression(f *testing.F) {
	for _, s := range []string{
		"avg(cpu.idle_perc{hostname=h1}) < 10", "max(m, deterministic, 120) > 1 times 3 and min(n) lt 2 || last(x) >= 0",
		"test=metric > 10", "test.metric{dim=this=that} > 10", "m > 1e3", "(a > 1", "", "avg(m, 90) > 1", "{}",
	} {
		f.Add(s)
	}
	fl := newFuzzLab(f, "labuser")
	f.Fuzz(func(t *testing.T, expression string) {
		body, _ := json.Marshal(map[string]any{"name": "fuzz", "expression": expression})
		rec := fl.do("POST", "/monitoring/v2.0/alarm-definitions", body)
		var doc map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &doc)
		switch rec.Code {
		case http.StatusCreated:
			// Delete first: a definition left behind would make every
			// later input (and the minimizer's) a 409.
			fl.do("DELETE", "/monitoring/v2.0/alarm-definitions/"+doc["id"].(string), nil)
			// What was sent: json.Marshal turns invalid UTF-8 into U+FFFD,
			// an identifier character like any other non-space BMP one.
			var sent map[string]any
			_ = json.Unmarshal(body, &sent)
			if doc["expression"] != sent["expression"] {
				t.Fatalf("expression %q came back as %v", sent["expression"], doc["expression"])
			}
		case http.StatusUnprocessableEntity:
			if doc["title"] != "Invalid alarm expression" && doc["title"] != "Unprocessable Entity" {
				t.Fatalf("422 title %v for %q", doc["title"], expression)
			}
		default:
			t.Fatalf("status %d for %q: %s", rec.Code, expression, rec.Body)
		}
	})
}

// FuzzPostMetrics: any body gets 204, 400 (not JSON) or 422, never a 500.
func FuzzPostMetrics(f *testing.F) {
	for _, s := range []string{
		`{"name":"m","timestamp":1,"value":1}`, `[{"name":"m","timestamp":1.5,"value":-1,"dimensions":{"a":"b"}}]`,
		`{"name":"a b"}`, `[]`, `null`, `"x"`, `{"name":"m","timestamp":1,"value":1,"value_meta":{"":""}}`,
	} {
		f.Add(s)
	}
	fl := newFuzzLab(f, "labagent")
	f.Fuzz(func(t *testing.T, body string) {
		rec := fl.do("POST", "/monitoring/v2.0/metrics", []byte(body))
		switch rec.Code {
		case http.StatusNoContent, http.StatusBadRequest, http.StatusUnprocessableEntity:
		default:
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
	})
}

// fuzzBody sends body to path as labuser and fails on a status outside
// allowed; on 201 it deletes what was created.
func fuzzBody(f *testing.F, method, path string, seeds []string, allowed ...int) {
	for _, s := range seeds {
		f.Add(s)
	}
	fl := newFuzzLab(f, "labuser")
	f.Fuzz(func(t *testing.T, body string) {
		rec := fl.do(method, path, []byte(body))
		if !slices.Contains(allowed, rec.Code) {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		var doc map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
			t.Fatalf("answer to %q is not JSON: %s", body, rec.Body)
		}
		if rec.Code == http.StatusCreated {
			fl.do("DELETE", path+"/"+doc["id"].(string), nil)
		}
	})
}

// FuzzNotificationMethodBody: any body is created (201) or refused with
// upstream's 400, never a 500.
func FuzzNotificationMethodBody(f *testing.F) {
	fuzzBody(f, "POST", "/monitoring/v2.0/notification-methods", []string{
		`{"name":"n","type":"webhook","address":"http://h/x"}`, `{"name":"n","type":"email","address":"a@b\n","period":"٦٠"}`,
		`{"name":"n","type":"WEBHOOK","address":"http://[::1]:80/","period":true}`, `{"x":1}`, `[]`, `{"name":"\u00e9","type":"PAGERDUTY","address":"k"}`,
	}, http.StatusCreated, http.StatusBadRequest)
}

// FuzzAlarmDefinitionBody: any body is created (201), not JSON (400) or
// refused with a 422, never a 500.
func FuzzAlarmDefinitionBody(f *testing.F) {
	fuzzBody(f, "POST", "/monitoring/v2.0/alarm-definitions", []string{
		`{"name":"d","expression":"avg(m) > 1","match_by":["h"],"severity":"high","actions_enabled":false}`,
		`{"name":"d","expression":"m > 1","alarm_actions":["a","a"]}`, `{"name":1}`, `"x"`, `{"name":"d","expression":"m\ufffd > 1"}`,
	}, http.StatusCreated, http.StatusBadRequest, http.StatusUnprocessableEntity)
}

// fuzzLab is a lab's API handler, called in-process (no sockets, so the
// fuzzer runs fast), and a token of one of its users.
type fuzzLab struct {
	h   http.Handler
	tok string
}

func newFuzzLab(f *testing.F, user string) fuzzLab {
	l := lab.New(lab.Options{})
	tok, err := l.Token(user)
	if err != nil {
		f.Fatal(err)
	}
	return fuzzLab{h: l.Handler(), tok: tok}
}

// do serves method path as the user, with body as JSON when there is one.
func (fl fuzzLab) do(method, path string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("X-Auth-Token", fl.tok)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	fl.h.ServeHTTP(rec, req)
	return rec
}
