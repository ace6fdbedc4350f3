package scenarios

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestBuiltinsListEveryScenarioDefaultFirst(t *testing.T) {
	var names []string
	for _, s := range Builtins() {
		names = append(names, s.Name)
	}
	want := []string{"cpu-idle", "synthetic", "ok-cycle", "api-state", "periodic", "retry"}
	if !slices.Equal(names, want) {
		t.Fatalf("Builtins() = %v, want %v", names, want)
	}
	if names[0] != Default {
		t.Errorf("first built-in %q is not the default %q", names[0], Default)
	}
	entries, err := builtinFS.ReadDir("builtin")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Errorf("builtin/ holds %d files but %d are listed: a file is not reachable", len(entries), len(want))
	}
}

func TestBuiltinReturnsAnIndependentCopy(t *testing.T) {
	a, err := Builtin("ok-cycle")
	if err != nil {
		t.Fatal(err)
	}
	a.Expect[0].State = StateOK
	a.Metric.Values[0] = -1
	a.Metric.Dimensions["x"] = "y"
	b, _ := Builtin("ok-cycle")
	if b.Expect[0].State != StateAlarm || b.Metric.Values[0] != 90 || b.Metric.Dimensions["x"] != "" {
		t.Fatalf("changing one copy changed the built-in: %+v", b)
	}
}

func TestBuiltinUnknownName(t *testing.T) {
	_, err := Builtin("nope")
	if !errors.Is(err, ErrUnknownScenario) || !strings.Contains(err.Error(), "cpu-idle") {
		t.Fatalf("Builtin(nope) = %v, want ErrUnknownScenario listing the built-ins", err)
	}
}

// movesOnArrival reports whether Monasca evaluates a sub-expression as
// each measurement arrives rather than at the end of a period (§8).
func movesOnArrival(s SubExpression) bool {
	switch s.Function {
	case "last":
		return true
	case "max", "count":
		return s.Operator[0] == '>'
	case "min":
		return s.Operator[0] == '<'
	}
	return false
}

func exceeds(v float64, s SubExpression) bool {
	switch s.Operator {
	case ">":
		return v > s.Threshold
	case ">=":
		return v >= s.Threshold
	case "<":
		return v < s.Threshold
	}
	return v <= s.Threshold
}

func renderBuiltin(t *testing.T, name string) (*Scenario, Rendered) {
	t.Helper()
	s, err := Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Render(Vars{RunID: "k7qz2m4a", Hostname: "compute-1"})
	if err != nil {
		t.Fatal(err)
	}
	return s, r
}

// Every built-in is written so it moves within seconds (its budgets say
// minutes, not the 1-2.5 min of an avg-style alarm) and stays scoped.
func TestBuiltinsAreFastAndScoped(t *testing.T) {
	for _, s := range Builtins() {
		_, r := renderBuiltin(t, s.Name)
		if len(r.Parsed.Subs) != 1 {
			t.Errorf("%s: %d sub-expressions, want 1", s.Name, len(r.Parsed.Subs))
			continue
		}
		sub := r.Parsed.Subs[0]
		if !movesOnArrival(sub) {
			t.Errorf("%s: %s(...) %s waits for a period end; use max >, min < or last", s.Name, sub.Function, sub.Operator)
		}
		if sub.Metric != r.MetricName {
			t.Errorf("%s: expression watches %s but the metric is %s", s.Name, sub.Metric, r.MetricName)
		}
		for k, v := range r.Dimensions {
			if sub.Dimensions[k] != v {
				t.Errorf("%s: expression dimension %s=%q, metric has %q", s.Name, k, sub.Dimensions[k], v)
			}
		}
		if s.Metric.Source == SourceSynthetic && sub.Dimensions["monhook_run"] != "k7qz2m4a" {
			t.Errorf("%s: synthetic expression is not scoped to the run: %s", s.Name, r.Expression)
		}
	}
}

func TestBuiltinCPUIdleIsAgentScopedToOneHost(t *testing.T) {
	s, r := renderBuiltin(t, "cpu-idle")
	if !s.NeedsAgent() || r.MetricName != "cpu.idle_perc" {
		t.Fatalf("cpu-idle: agent=%v metric=%s", s.NeedsAgent(), r.MetricName)
	}
	if r.Expression != "max(cpu.idle_perc{hostname=compute-1}) >= 0" {
		t.Errorf("expression = %q", r.Expression)
	}
	// Deliberately noisy: every idle percentage (0..100) exceeds it.
	if sub := r.Parsed.Subs[0]; !exceeds(0, sub) || !exceeds(100, sub) {
		t.Errorf("threshold does not fire for every idle value: %+v", sub)
	}
	if _, err := s.Render(Vars{RunID: "k7qz2m4a"}); !errors.Is(err, ErrNeedsHostname) {
		t.Errorf("Render without hostname = %v, want ErrNeedsHostname", err)
	}
}

func TestBuiltinSyntheticScenariosTriggerAsExpected(t *testing.T) {
	for _, name := range []string{"synthetic", "periodic", "retry"} {
		s, r := renderBuiltin(t, name)
		if s.NeedsAgent() {
			t.Errorf("%s needs an agent", name)
		}
		for _, v := range s.Metric.Values {
			if !exceeds(v, r.Parsed.Subs[0]) {
				t.Errorf("%s: value %v does not exceed %s", name, v, r.Expression)
			}
		}
		if e := s.Expect[0]; e.State != StateAlarm || e.OldState != StateUndetermined {
			t.Errorf("%s: first expectation %+v, want UNDETERMINED -> ALARM (alarms start UNDETERMINED)", name, e)
		}
	}
}

func TestBuiltinOKCycleGoesHighThenLow(t *testing.T) {
	s, r := renderBuiltin(t, "ok-cycle")
	sub := r.Parsed.Subs[0]
	vals := s.Metric.Values
	// ok_actions would deliver a first OK evaluation (pitfall 6), so the
	// alarm must start high and only then drop.
	if !exceeds(vals[0], sub) || exceeds(vals[len(vals)-1], sub) {
		t.Fatalf("values %v against %s: want high first, low last", vals, r.Expression)
	}
	if !s.Actions.Alarm || !s.Actions.OK {
		t.Errorf("actions = %+v, want alarm and ok", s.Actions)
	}
	got := []string{s.Expect[0].OldState + ">" + s.Expect[0].State, s.Expect[1].OldState + ">" + s.Expect[1].State}
	if !slices.Equal(got, []string{"UNDETERMINED>ALARM", "ALARM>OK"}) {
		t.Errorf("expectations %v", got)
	}
	high := time.Duration(len(vals)-1) * s.Metric.Interval.Duration()
	if high < 30*time.Second {
		t.Errorf("high phase %v leaves too little time for the definition to reach the threshold engine", high)
	}
}

func TestBuiltinAPIStateNeverCrossesTheThreshold(t *testing.T) {
	s, r := renderBuiltin(t, "api-state")
	if s.Trigger.Kind != TriggerAPIState || s.Trigger.State != StateAlarm {
		t.Fatalf("trigger = %+v", s.Trigger)
	}
	for _, v := range s.Metric.Values {
		if exceeds(v, r.Parsed.Subs[0]) {
			t.Errorf("value %v crosses %s: the threshold engine, not the API, would move the alarm", v, r.Expression)
		}
	}
	// Deterministic alarms start OK, so old_state is known (§8).
	if !r.Parsed.Deterministic() || s.Expect[0].OldState != StateOK {
		t.Errorf("deterministic=%v old_state=%q", r.Parsed.Deterministic(), s.Expect[0].OldState)
	}
	if s.Expect[0].MessageContains != "Alarm state updated via API" {
		t.Errorf("message_contains = %q", s.Expect[0].MessageContains)
	}
}

func TestBuiltinPeriodicAndRetryAllowForMonascaTiming(t *testing.T) {
	p, _ := Builtin("periodic")
	if p.Period != 60 || p.Expect[0].Want() < 2 {
		t.Errorf("periodic: period %d count %d", p.Period, p.Expect[0].Want())
	}
	// The re-send comes 60 s after the first send.
	if p.Expect[0].Within.Duration() < 2*time.Minute {
		t.Errorf("periodic: within %v cannot hold a 60 s re-send", p.Expect[0].Within)
	}
	r, _ := Builtin("retry")
	if r.Receiver.FailFirst != 1 || r.Receiver.Status(1) != 500 || r.Receiver.Status(2) != 200 {
		t.Errorf("retry receiver = %+v", r.Receiver)
	}
	if r.Expect[0].Want() != r.Receiver.FailFirst+1 {
		t.Errorf("retry: count %d, want the failed attempts plus the retry that succeeds", r.Expect[0].Want())
	}
	// Monasca retries after its 30 s retry interval (§7).
	if r.Expect[0].Within.Duration() < time.Minute+30*time.Second {
		t.Errorf("retry: within %v does not allow for the 30 s retry interval", r.Expect[0].Within)
	}
	if r.Period != 0 {
		t.Errorf("retry: period %d; periodic re-sends would be counted as retries", r.Period)
	}
}

// The shipped files are read by operators: their comments cite what is in
// the repository or upstream, never a document they do not have.
func TestBuiltinCommentsCiteNoMissingDocument(t *testing.T) {
	entries, err := builtinFS.ReadDir("builtin")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := builtinFS.ReadFile("builtin/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, stale := range []string{"reference §", "pitfall "} {
			if strings.Contains(string(b), stale) {
				t.Errorf("%s cites %q, which is not in the repository", e.Name(), stale)
			}
		}
	}
}
