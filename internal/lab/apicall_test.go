package lab_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/monhook/monhook/internal/lab"
)

// apiCall sends method path to l's Monasca API as user, with body as JSON
// when it is not empty, and returns the decoded answer. A failed login or
// request, or a status of 300 or more, fails the test.
func apiCall(t *testing.T, l *lab.Lab, user, method, path, body string) map[string]any {
	t.Helper()
	tok, err := l.Token(user)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(method, l.MonitoringURL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", tok)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s as %s: %d", method, path, user, resp.StatusCode)
	}
	var doc map[string]any
	if resp.StatusCode != http.StatusNoContent {
		if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
			t.Fatalf("%s %s: decoding the answer: %v", method, path, err)
		}
	}
	return doc
}

// metricElements is GET /metrics?name=cpu.idle_perc as user: the series
// that user's project sees.
func metricElements(t *testing.T, l *lab.Lab, user string) []any {
	t.Helper()
	els, _ := apiCall(t, l, user, "GET", "/metrics?name=cpu.idle_perc", "")["elements"].([]any)
	return els
}
