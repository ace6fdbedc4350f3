package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

var t0 = time.Date(2026, 1, 26, 10, 0, 0, 0, time.UTC)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

func ptr[T any](v T) *T { return &v }

// passReport is a clean synthetic run.
func passReport() *Report {
	stages := []struct {
		name  string
		start int
		ms    float64
		det   string
	}{
		{"auth", 0, 4.125, "token for project 7d1c; monitoring endpoint from the catalog"},
		{"preflight", 5, 3.5, "API reachable; write access; WEBHOOK available"},
		{"receiver", 9, 0.75, "listening on 0.0.0.0:41234"},
		{"notification-method", 10, 2.25, "created monhook-k7qz2m4a-webhook-20260126T100000Z"},
		{"alarm-definition", 13, 2.5, "created monhook-k7qz2m4a-alarm: max(monhook.synthetic{monhook_run=k7qz2m4a}) > 50"},
		{"trigger", 16, 84, "posted monhook.synthetic=90"},
		{"alarm", 100, 350, "alarm 9f3e exists, state ALARM"},
		{"delivery", 16, 1200, "1 of 1 expected deliveries arrived"},
		{"teardown", 1300, 3.125, "deleted 2 resources"},
	}
	r := &Report{
		SchemaVersion: SchemaVersion, RunID: "k7qz2m4a", Scenario: "synthetic", StartedAt: t0,
		DurationMS: 1303.125, Verdict: VerdictPass, ExitCode: 0,
		Endpoint: "http://127.0.0.1:8070/v2.0", ProjectID: "7d1c0c5e", CallbackURL: "http://10.0.0.5:41234/hook/REDACTED",
		Target: Target{Lab: true, Speed: 60, API: &API{Flavor: "python", Features: map[string]bool{
			"types": true, "period": true, "patch": true, "deterministic": true, "last": true}}},
	}
	for _, s := range stages {
		r.Stages = append(r.Stages, Stage{Name: s.name, Status: StatusOK, StartedAt: ptr(at(s.start)), DurationMS: s.ms, Detail: s.det})
	}
	r.Expectations = []Expectation{{Index: 1, State: "ALARM", OldState: "UNDETERMINED", Want: 1, Got: 1, WithinMS: 120000, Met: true}}
	r.Deliveries = []Delivery{{
		Seq: 1, ReceivedAt: at(1216), State: "ALARM", OldState: "UNDETERMINED", AlarmID: "9f3e", AlarmDefinitionID: "b461",
		Message:        "Thresholds were exceeded for the sub-alarms: max(monhook.synthetic{monhook_run=k7qz2m4a}) > 50.0 with the values: [90.0]",
		ResponseStatus: 200, Expected: true, Expectation: 1,
	}}
	r.Resources = []Resource{
		{Kind: KindAlarmDefinition, ID: "b461", Name: "monhook-k7qz2m4a-alarm", Deleted: true},
		{Kind: KindNotificationMethod, ID: "35cc", Name: "monhook-k7qz2m4a-webhook-20260126T100000Z", Deleted: true},
	}
	return r
}

// failReport has a missing delivery, a wrong one, a stray, a skipped
// stage and a resource left behind.
func failReport() *Report {
	r := &Report{
		SchemaVersion: SchemaVersion, RunID: "q2w3e4r5", Scenario: "ok-cycle", StartedAt: t0,
		DurationMS: 245000, Verdict: VerdictFail, ExitCode: 4,
		Endpoint: "https://monasca.example.org/metrics/v2.0", ProjectID: "p1", CallbackURL: "http://203.0.113.9:8080/hook/REDACTED",
		Target: Target{Speed: 1, API: &API{Flavor: "java", Features: map[string]bool{
			"types": false, "period": false, "patch": false, "deterministic": false, "last": false}}}, Saved: &Saved{Path: "runs/deliveries.jsonl", Deliveries: 2},
		Stages: []Stage{
			{Name: "auth", Status: StatusOK, StartedAt: ptr(at(0)), DurationMS: 180, Detail: "token for project p1"},
			{Name: "alarm", Status: StatusSkipped, Detail: "not checked: the alarm listing timed out"},
			{Name: "delivery", Status: StatusFailed, StartedAt: ptr(at(1000)), DurationMS: 240000,
				Detail: `expect 2 (ALARM -> OK): 0 of 1 arrived within 2m0s; the alarm is OK in the API but nothing arrived <&"'>`,
				Hints: []string{
					"the callback URL is not reachable from monasca-notification (firewall, NAT: try --callback-url)",
					"ok_actions were disabled on the definition",
				}},
			{Name: "teardown", Status: StatusFailed, StartedAt: ptr(at(241000)), DurationMS: 4000, Detail: "1 of 2 resources could not be deleted"},
		},
		Expectations: []Expectation{
			{Index: 1, State: "ALARM", OldState: "UNDETERMINED", Want: 1, Got: 1, WithinMS: 120000, Met: true},
			{Index: 2, State: "OK", OldState: "ALARM", Want: 1, Got: 0, WithinMS: 120000},
		},
		Deliveries: []Delivery{
			{Seq: 1, ReceivedAt: at(20500), State: "ALARM", OldState: "UNDETERMINED", AlarmID: "a1", AlarmDefinitionID: "d1",
				ResponseStatus: 200, Expected: true, Expectation: 1},
			{Seq: 2, ReceivedAt: at(65000), State: "ALARM", OldState: "UNDETERMINED", AlarmID: "a1", AlarmDefinitionID: "d1",
				ResponseStatus: 200, Findings: []Finding{
					{Code: "tenant-mismatch", Key: "tenant_id", Detail: `"p2", want "p1"`},
					{Code: "type", Key: "alarm_timestamp", Detail: "a string, want integer seconds"},
				}},
		},
		Strays: []Stray{{ReceivedAt: at(30000), Remote: "198.51.100.7:51234", Method: "GET", Path: "/", Reason: "wrong path or token", Status: 404}},
		Resources: []Resource{
			{Kind: KindAlarmDefinition, ID: "d1", Name: "monhook-q2w3e4r5-alarm", Deleted: true},
			{Kind: KindNotificationMethod, ID: "n1", Name: "monhook-q2w3e4r5-webhook-20260126T100000Z", Error: "DELETE: 503 Service unavailable"},
		},
		Leaked: []Resource{
			{Kind: KindNotificationMethod, ID: "n1", Name: "monhook-q2w3e4r5-webhook-20260126T100000Z", Error: "DELETE: 503 Service unavailable"},
		},
		Error: "delivery: 1 expected delivery missing",
	}
	return r
}

// keptReport is a run with --keep.
func keptReport() *Report {
	r := passReport()
	r.Kept = true
	r.Stages[len(r.Stages)-1] = Stage{Name: "teardown", Status: StatusSkipped, Detail: "--keep"}
	r.Deliveries = nil
	r.Expectations = nil
	return r
}

var fixtures = map[string]func() *Report{"pass": passReport, "fail": failReport, "kept": keptReport}

var writers = map[string]func(*bytes.Buffer, *Report) error{
	"table": func(b *bytes.Buffer, r *Report) error { return WriteTable(b, r) },
	"json":  func(b *bytes.Buffer, r *Report) error { return WriteJSON(b, r) },
	"yaml":  func(b *bytes.Buffer, r *Report) error { return WriteYAML(b, r) },
	"junit": func(b *bytes.Buffer, r *Report) error { return WriteJUnit(b, r) },
}

func TestRenderersMatchGoldenFiles(t *testing.T) {
	for fx, build := range fixtures {
		for format, write := range writers {
			t.Run(fx+"/"+format, func(t *testing.T) {
				var b bytes.Buffer
				if err := write(&b, build()); err != nil {
					t.Fatal(err)
				}
				golden(t, filepath.Join("testdata", fx+"."+format+".golden"), b.Bytes())
			})
		}
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -update if the change is intended)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestJSONRoundTrips(t *testing.T) {
	for name, build := range fixtures {
		r := build()
		var b bytes.Buffer
		if err := WriteJSON(&b, r); err != nil {
			t.Fatal(err)
		}
		var back Report
		dec := json.NewDecoder(&b)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&back); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := r.normalized(); !reflect.DeepEqual(&back, want) {
			t.Errorf("%s: JSON round trip changed the report\n got %+v\nwant %+v", name, back, *want)
		}
	}
}

func TestYAMLRoundTrips(t *testing.T) {
	r := failReport()
	var b bytes.Buffer
	if err := WriteYAML(&b, r); err != nil {
		t.Fatal(err)
	}
	var back Report
	dec := yaml.NewDecoder(&b)
	dec.KnownFields(true)
	if err := dec.Decode(&back); err != nil {
		t.Fatal(err)
	}
	if want := r.normalized(); !reflect.DeepEqual(&back, want) {
		t.Errorf("YAML round trip changed the report\n got %+v\nwant %+v", back, *want)
	}
}

// The JSON and YAML documents are the same document: same keys.
func TestJSONAndYAMLShareKeys(t *testing.T) {
	var jb, yb bytes.Buffer
	r := failReport()
	if err := WriteJSON(&jb, r); err != nil {
		t.Fatal(err)
	}
	if err := WriteYAML(&yb, r); err != nil {
		t.Fatal(err)
	}
	var fromJSON, fromYAML map[string]any
	if err := json.Unmarshal(jb.Bytes(), &fromJSON); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(yb.Bytes(), &fromYAML); err != nil {
		t.Fatal(err)
	}
	for k := range fromJSON {
		if _, ok := fromYAML[k]; !ok {
			t.Errorf("key %q is in JSON but not in YAML", k)
		}
	}
	if len(fromJSON) != len(fromYAML) {
		t.Errorf("JSON has %d keys, YAML %d", len(fromJSON), len(fromYAML))
	}
}

func TestJSONListsAreNeverNull(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, &Report{SchemaVersion: SchemaVersion, Deliveries: []Delivery{{Seq: 1}}}); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b.Bytes(), []byte("null")) {
		t.Fatalf("JSON carries null:\n%s", b.String())
	}
}

func TestJUnitParsesAndCountsStages(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJUnit(&b, failReport()); err != nil {
		t.Fatal(err)
	}
	var suite struct {
		XMLName  xml.Name `xml:"testsuite"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Skipped  int      `xml:"skipped,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Time    string `xml:"time,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct{} `xml:"skipped"`
		} `xml:"testcase"`
	}
	if err := xml.Unmarshal(b.Bytes(), &suite); err != nil {
		t.Fatalf("JUnit does not parse: %v\n%s", err, b.String())
	}
	if suite.Tests != 4 || suite.Failures != 2 || suite.Skipped != 1 || len(suite.Cases) != 4 {
		t.Fatalf("tests=%d failures=%d skipped=%d cases=%d", suite.Tests, suite.Failures, suite.Skipped, len(suite.Cases))
	}
	d := suite.Cases[2]
	if d.Name != "delivery" || d.Time != "240.000" || d.Failure == nil {
		t.Fatalf("delivery case = %+v", d)
	}
	if !strings.Contains(d.Failure.Message, `<&"'>`) || !strings.Contains(d.Failure.Body, "hint: the callback URL") {
		t.Errorf("failure = %+v", *d.Failure)
	}
	if suite.Cases[1].Skipped == nil {
		t.Error("skipped stage has no <skipped/>")
	}
}

func TestTableNamesFailuresAndLeaks(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTable(&b, failReport()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"hint (delivery): the callback URL is not reachable",
		"leaked (could not be deleted):", "n1",
		"strays (not this run's deliveries, not counted):",
		"tenant-mismatch",
		"FAIL: scenario ok-cycle, run q2w3e4r5, 4m05s, exit 4",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table output lacks %q:\n%s", want, out)
		}
	}
}

func TestFormatMillis(t *testing.T) {
	for ms, want := range map[float64]string{0.375: "0.4ms", 12.4: "12ms", 2345: "2.3s", 65000: "1m05s", 600000: "10m00s"} {
		if got := formatMillis(ms); got != want {
			t.Errorf("formatMillis(%v) = %q, want %q", ms, got, want)
		}
	}
	if got := Millis(1234567 * time.Nanosecond); got != 1.235 {
		t.Errorf("Millis = %v, want 1.235", got)
	}
}

func TestFirstFailed(t *testing.T) {
	if s := failReport().FirstFailed(); s == nil || s.Name != "delivery" {
		t.Fatalf("FirstFailed = %+v", s)
	}
	if s := passReport().FirstFailed(); s != nil {
		t.Fatalf("FirstFailed on a pass = %+v", s)
	}
}

func TestJUnitSurvivesHostileText(t *testing.T) {
	r := failReport()
	r.Stages[2].Detail = "body ]]> and \x00\x1b[31m control"
	r.Error = "]]>"
	var b bytes.Buffer
	if err := WriteJUnit(&b, r); err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Cases []struct {
			Failure *struct {
				Body string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	}
	if err := xml.Unmarshal(b.Bytes(), &suite); err != nil {
		t.Fatalf("JUnit does not parse: %v\n%s", err, b.String())
	}
	if got := suite.Cases[2].Failure.Body; !strings.HasPrefix(got, "body ]]> and \uFFFD\uFFFD[31m control") {
		t.Errorf("failure body = %q", got)
	}
}

func TestTableStripsTerminalControl(t *testing.T) {
	r := passReport()
	r.Stages[0].Detail = "red \x1b[31malert\x1b[0m"
	var b bytes.Buffer
	if err := WriteTable(&b, r); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(b.String(), 0x1b) {
		t.Fatalf("escape sequence reached the table:\n%s", b.String())
	}
}

// A run that did not pass reads as failed in CI even when no single stage
// failed (interrupted during teardown, say).
func TestJUnitNeverReadsGreenForARunThatDidNotPass(t *testing.T) {
	r := passReport()
	r.Verdict, r.ExitCode, r.Error = VerdictInterrupted, 130, "interrupted: SIGINT or SIGTERM received"
	var b bytes.Buffer
	if err := WriteJUnit(&b, r); err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Failures int `xml:"failures,attr"`
		Cases    []struct {
			Name    string    `xml:"name,attr"`
			Failure *struct{} `xml:"failure"`
		} `xml:"testcase"`
	}
	if err := xml.Unmarshal(b.Bytes(), &suite); err != nil {
		t.Fatal(err)
	}
	last := suite.Cases[len(suite.Cases)-1]
	if suite.Failures != 1 || last.Name != "verdict" || last.Failure == nil {
		t.Fatalf("failures=%d last case %+v; want a failed verdict case", suite.Failures, last)
	}
	b.Reset()
	if err := WriteJUnit(&b, passReport()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), `<testcase name="verdict"`) {
		t.Error("a passing run got a verdict case")
	}
}
