package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
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
	l := lab.New(lab.Options{})
	h := l.Handler()
	tok, err := l.Token("labuser")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, expression string) {
		body, _ := json.Marshal(map[string]any{"name": "fuzz", "expression": expression})
		req := httptest.NewRequest("POST", "/monitoring/v2.0/alarm-definitions", bytes.NewReader(body))
		req.Header.Set("X-Auth-Token", tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var doc map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &doc)
		switch rec.Code {
		case http.StatusCreated:
			if doc["expression"] != expression {
				t.Fatalf("expression %q came back as %v", expression, doc["expression"])
			}
			del := httptest.NewRequest("DELETE", "/monitoring/v2.0/alarm-definitions/"+doc["id"].(string), nil)
			del.Header.Set("X-Auth-Token", tok)
			h.ServeHTTP(httptest.NewRecorder(), del)
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
	l := lab.New(lab.Options{})
	h := l.Handler()
	tok, err := l.Token("labagent")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/monitoring/v2.0/metrics", bytes.NewReader([]byte(body)))
		req.Header.Set("X-Auth-Token", tok)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusNoContent, http.StatusBadRequest, http.StatusUnprocessableEntity:
		default:
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
	})
}
