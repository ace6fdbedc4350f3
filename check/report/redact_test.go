package report

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// A stray that came to this run's callback path (another definition's
// delivery, a retry of an earlier run's) carries the secret token in its
// path: no writer may print it, whatever the runner put in the report.
func TestNoWriterPrintsACallbackToken(t *testing.T) {
	const token = "Zq3xV9mK2pL7wR4tY8uN1cB6"
	start := time.Date(2026, 1, 26, 10, 0, 0, 0, time.UTC)
	r := &Report{
		RunID: "r1", Scenario: "synthetic", StartedAt: start, Verdict: VerdictPass,
		CallbackURL: "http://10.0.0.5:41234/" + token,
		Strays: []Stray{
			{ReceivedAt: start, Remote: "10.0.0.9:5000", Method: "POST", Path: "/" + token, Reason: "not-this-run", Status: 200},
			{ReceivedAt: start, Remote: "10.0.0.9:5001", Method: "POST", Path: "/openstack/alerts/" + token, Reason: "wrong path or token", Status: 404},
		},
	}
	writers := map[string]func(*bytes.Buffer) error{
		"table": func(b *bytes.Buffer) error { return WriteTable(b, r) },
		"json":  func(b *bytes.Buffer) error { return WriteJSON(b, r) },
		"yaml":  func(b *bytes.Buffer) error { return WriteYAML(b, r) },
		"junit": func(b *bytes.Buffer) error { return WriteJUnit(b, r) },
	}
	for name, write := range writers {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), token[:8]) {
			t.Errorf("%s prints the token:\n%s", name, b.String())
		}
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "/…"+token[len(token)-4:]) {
		t.Errorf("the redacted path does not keep the token's last four characters:\n%s", b.String())
	}
	if r.Strays[0].Path != "/"+token {
		t.Errorf("writing changed the caller's report: %q", r.Strays[0].Path)
	}
}

func TestRedactPathLeavesShortPathsAndIsIdempotent(t *testing.T) {
	for in, want := range map[string]string{
		"/":                        "/",
		"/webhook":                 "/webhook",
		"/hooks/abcdefghijkl":      "/hooks/…ijkl",
		"/hooks/…ijkl":             "/hooks/…ijkl",
		"":                         "",
		"/a/b/c/0123456789abcdefX": "/a/b/c/…def" + "X",
	} {
		if got := RedactPath(in); got != want {
			t.Errorf("RedactPath(%q) = %q, want %q", in, got, want)
		}
	}
}
