package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const validDoc = `
name: mine
proves: my thing works
metric:
  source: synthetic
  name: monhook.synthetic
  dimensions:
    monhook_run: "{{.RunID}}"
  values: [90, 10.5]
  interval: 5s
expression: "max({{.Metric}}{{.Dimensions}}) > 50"
actions:
  alarm: true
period: 60
receiver:
  fail_first: 1
  delay: 1s
trigger:
  kind: metrics
expect:
  - state: ALARM
    old_state: UNDETERMINED
    count: 2
    within: 2m
budgets:
  delivery: 3m
`

func TestLoadDecodesEveryField(t *testing.T) {
	s, err := Load(strings.NewReader(validDoc))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "mine" || s.Metric.Source != SourceSynthetic || s.Period != 60 {
		t.Errorf("header fields: %+v", s)
	}
	if got := s.Metric.Values; len(got) != 2 || got[0] != 90 || got[1] != 10.5 {
		t.Errorf("values = %v", got)
	}
	if s.Metric.Interval.Duration() != 5*time.Second || s.Receiver.Delay.Duration() != time.Second {
		t.Errorf("durations: interval %v delay %v", s.Metric.Interval, s.Receiver.Delay)
	}
	if e := s.Expect[0]; e.State != StateAlarm || e.OldState != StateUndetermined || e.Want() != 2 || e.Within.Duration() != 2*time.Minute {
		t.Errorf("expect[0] = %+v", e)
	}
	if s.Budget(StageDelivery) != 3*time.Minute || s.Budget(StageAuth) != DefaultBudgets()[StageAuth] {
		t.Errorf("budgets: delivery %v auth %v", s.Budget(StageDelivery), s.Budget(StageAuth))
	}
	if s.NeedsAgent() {
		t.Error("NeedsAgent() = true for a synthetic metric")
	}
}

// replace swaps one line of validDoc so each case breaks exactly one thing.
func replace(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(validDoc, old) {
		t.Fatalf("validDoc has no %q", old)
	}
	return strings.Replace(validDoc, old, new, 1)
}

func TestLoadNamesTheOffendingKey(t *testing.T) {
	tests := []struct {
		name, old, new, key, msg string
	}{
		{"unknown top-level key", "period: 60", "period: 60\nperiode: 60", "periode", "unknown key"},
		{"unknown nested key", "  fail_first: 1", "  fail_frist: 1", "receiver.fail_frist", "unknown key"},
		{"unknown key in list item", "    count: 2", "    cuont: 2", "expect[0].cuont", "unknown key"},
		{"duplicate key", "period: 60", "period: 60\nperiod: 0", "period", "twice"},
		{"wrong type int", "period: 60", "period: soon", "period", "whole number"},
		{"wrong type list", "  values: [90, 10.5]", "  values: 90", "metric.values", "expected a list"},
		{"wrong type in list", "  values: [90, 10.5]", "  values: [90, high]", "metric.values[1]", "a number"},
		{"wrong type bool", "  alarm: true", "  alarm: yes", "actions.alarm", "true or false"},
		{"number for string", "name: mine", "name: 12", "name", "expected a string"},
		{"quoted number", "    count: 2", `    count: "2"`, "expect[0].count", "whole number"},
		{"bad state", "  - state: ALARM", "  - state: alarm", "expect[0].state", "not ALARM, OK or UNDETERMINED"},
		{"bad old state", "    old_state: UNDETERMINED", "    old_state: FIRING", "expect[0].old_state", "not ALARM"},
		{"same states", "    old_state: UNDETERMINED", "    old_state: ALARM", "expect[0].old_state", "change of state"},
		{"period", "period: 60", "period: 30", "period", "not 0 or 60"},
		{"trigger kind", "  kind: metrics", "  kind: magic", "trigger.kind", "not metrics or api-state"},
		{"api-state without state", "  kind: metrics", "  kind: api-state", "trigger.state", "not ALARM"},
		{"duration without unit", "    within: 2m", "    within: 120", "expect[0].within", "no unit"},
		{"bad duration", "    within: 2m", "    within: soon", "expect[0].within", "not a duration"},
		{"negative duration", "  interval: 5s", "  interval: -5s", "metric.interval", "negative"},
		{"missing within", "    within: 2m", "", "expect[0].within", "required"},
		{"unknown budget stage", "  delivery: 3m", "  deliveries: 3m", "budgets.deliveries", "unknown stage"},
		{"missing name", "name: mine", "", "name", "required"},
		{"bad name", "name: mine", "name: My Scenario", "name", "lower-case"},
		{"missing proves", "proves: my thing works", "", "proves", "required"},
		{"bad source", "  source: synthetic", "  source: cloud", "metric.source", "not agent or synthetic"},
		{"synthetic without values", "  values: [90, 10.5]", "", "metric.values", "at least one value"},
		{"bad metric name", "  name: monhook.synthetic", "  name: monhook synthetic", "metric.name", "does not allow"},
		{"no actions", "  alarm: true", "  alarm: false", "actions", "at least one"},
		{"expect state without action", "  - state: ALARM", "  - state: OK", "expect[0].state", "actions.ok"},
		{"fail_first too high", "  fail_first: 1", "  fail_first: 9", "receiver.fail_first", "retries"},
		{"expression grammar", `expression: "max({{.Metric}}{{.Dimensions}}) > 50"`, `expression: "max({{.Metric}}{{.Dimensions}}) = 50"`, "expression", "column 46"},
		{"expression template", `expression: "max({{.Metric}}{{.Dimensions}}) > 50"`, `expression: "max({{.Metrik}}) > 50"`, "expression", "template"},
		{"expression unscoped", `expression: "max({{.Metric}}{{.Dimensions}}) > 50"`, `expression: "max(monhook.synthetic) > 50"`, "expression", "fan out"},
		{"dimension template", `    monhook_run: "{{.RunID}}"`, `    monhook_run: "{{.RunID"`, "metric.dimensions.monhook_run", "template"},
		{"dimension value", `    monhook_run: "{{.RunID}}"`, `    monhook_run: "a,b"`, "metric.dimensions.monhook_run", "refuses"},
		{"dimension key", `    monhook_run: "{{.RunID}}"`, `    _run: "{{.RunID}}"`, "metric.dimensions._run", "must not start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(strings.NewReader(replace(t, tt.old, tt.new)))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Load = %v, want *ValidationError", err)
			}
			if ve.Key != tt.key || !strings.Contains(ve.Msg, tt.msg) {
				t.Fatalf("Load = key %q msg %q, want key %q msg containing %q", ve.Key, ve.Msg, tt.key, tt.msg)
			}
		})
	}
}

func TestLoadRejectsBrokenDocuments(t *testing.T) {
	for name, doc := range map[string]string{
		"empty":        "",
		"not yaml":     "name: [unclosed",
		"two docs":     validDoc + "\n---\nname: other\n",
		"not a map":    "- a\n- b\n",
		"only comment": "# nothing\n",
	} {
		_, err := Load(strings.NewReader(doc))
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s: Load = %v, want *ValidationError", name, err)
		}
	}
}

func TestLoadFileKeepsValidationErrorAndPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(path, []byte(replace(t, "period: 60", "period: 5")), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadFile(path)
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Key != "period" {
		t.Fatalf("LoadFile = %v, want *ValidationError for period", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
	if _, err := LoadFile(filepath.Join(t.TempDir(), "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadFile(missing) = %v, want ErrNotExist", err)
	}
}

func TestDurationRoundTripsAsText(t *testing.T) {
	d, err := ParseDuration("1m30s")
	if err != nil {
		t.Fatal(err)
	}
	text, _ := d.MarshalText()
	var back Duration
	if err := back.UnmarshalText(text); err != nil || back != d {
		t.Fatalf("round trip %q -> %v, %v", text, back, err)
	}
	y, _ := d.MarshalYAML()
	if y != "1m30s" {
		t.Errorf("MarshalYAML = %v", y)
	}
}

// A file with several mistakes reports them all in one go.
func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	bad := `name: two-typos
proves: x
metrix:
  source: synthetic
perod: 0
expect:
  - state: ALARM
    within: 2m
    cuont: 2
`
	_, err := Load(strings.NewReader(bad))
	if err == nil {
		t.Fatal("loaded")
	}
	for _, want := range []string{"metrix: unknown key", "perod: unknown key", "expect[0].cuont: unknown key"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Key != "metrix" {
		t.Errorf("errors.As finds %+v, want the first problem", ve)
	}
	// Values, too: a bad name and a bad budget in one file.
	_, err = Load(strings.NewReader(strings.Replace(validScenarioForAllAtOnce, "name: ok", "name: Not_OK", 1)))
	if err == nil || !strings.Contains(err.Error(), "name:") || !strings.Contains(err.Error(), "budgets.nosuch") {
		t.Errorf("want both the name and the budget reported, got:\n%v", err)
	}
}

const validScenarioForAllAtOnce = `name: ok
proves: x
metric:
  source: synthetic
  name: monhook.synthetic
  dimensions:
    monhook_run: "{{.RunID}}"
  values: [90]
  interval: 5s
expression: "max({{.Metric}}{{.Dimensions}}) > 50"
actions:
  alarm: true
period: 0
trigger:
  kind: metrics
expect:
  - state: ALARM
    within: 2m
budgets:
  nosuch: 1m
`
