package scenarios

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestRenderFillsTemplates(t *testing.T) {
	s, err := Builtin("synthetic")
	if err != nil {
		t.Fatal(err)
	}
	s.MatchBy = []string{"monhook_run"}
	r, err := s.Render(Vars{RunID: "abcdefgh"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Expression != "max(monhook.synthetic{monhook_run=abcdefgh}) > 50" {
		t.Errorf("Expression = %q", r.Expression)
	}
	if r.MetricName != "monhook.synthetic" || r.Dimensions["monhook_run"] != "abcdefgh" || len(r.Dimensions) != 1 {
		t.Errorf("metric = %s %v", r.MetricName, r.Dimensions)
	}
	if len(r.MatchBy) != 1 || r.MatchBy[0] != "monhook_run" {
		t.Errorf("MatchBy = %v", r.MatchBy)
	}
	r.MatchBy[0] = "changed"
	if s.MatchBy[0] != "monhook_run" {
		t.Error("Rendered.MatchBy aliases the scenario's slice")
	}
}

func TestRenderRefusesValuesMonascaWouldNot(t *testing.T) {
	s, _ := Builtin("cpu-idle")
	for _, host := range []string{"a,b", "a}b", "a=b"} {
		_, err := s.Render(Vars{RunID: "abcdefgh", Hostname: host})
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("Render(hostname %q) = %v, want *ValidationError", host, err)
		}
	}
	if _, err := s.Render(Vars{Hostname: "h"}); err == nil {
		t.Error("Render with an empty run id succeeded")
	}
}

func TestDimensionSetPrintsSortedBlock(t *testing.T) {
	got := DimensionSet{"service": "monitoring", "hostname": "h1"}.String()
	if got != "{hostname=h1,service=monitoring}" {
		t.Fatalf("String() = %q", got)
	}
	if got := (DimensionSet{}).String(); got != "{}" {
		t.Fatalf("empty String() = %q", got)
	}
}

func TestScaledDividesMonascaTimeOnly(t *testing.T) {
	s, _ := Builtin("retry")
	s.Receiver.Delay = Duration(6 * time.Second)
	c := s.Scaled(60)
	if got := c.Metric.Interval.Duration(); got != 5*time.Second/60 {
		t.Errorf("interval = %v", got)
	}
	if got := c.Receiver.Delay.Duration(); got != 6*time.Second {
		t.Errorf("delay = %v, want 6s: the webhook timeout it is set against does not scale", got)
	}
	if got := c.Expect[0].Within.Duration(); got != 3*time.Second {
		t.Errorf("within = %v, want 3m/60", got)
	}
	if got := c.Budget(StageDelivery); got != 3*time.Second {
		t.Errorf("delivery budget = %v, want 3m/60", got)
	}
	if got := c.Budget(StageTrigger); got != MinScaledBudget {
		t.Errorf("trigger budget = %v, want the floor (1m/60 = 1s)", got)
	}
	if got := c.Budget(StageAuth); got != 30*time.Second {
		t.Errorf("auth budget = %v: API-bound stages must not be scaled", got)
	}
	if s.Expect[0].Within.Duration() != 3*time.Minute || s.Budget(StageDelivery) != 3*time.Minute {
		t.Error("Scaled changed the original")
	}
}

func TestScaledKeepsFloorAndIgnoresSlowSpeeds(t *testing.T) {
	s, _ := Builtin("synthetic")
	if got := s.Scaled(10000).Expect[0].Within.Duration(); got != MinScaledBudget {
		t.Errorf("within at speed 10000 = %v, want the floor", got)
	}
	for _, speed := range []float64{0, -1, 1} {
		if c := s.Scaled(speed); c.Expect[0].Within != s.Expect[0].Within || c.Metric.Interval != s.Metric.Interval {
			t.Errorf("Scaled(%v) changed durations", speed)
		}
	}
}

func TestValidateCatchesGoBuiltScenarios(t *testing.T) {
	s, _ := Builtin("synthetic")
	s.Expression = "avg({{.Metric}}{{.Dimensions}}, 90) > 1"
	err := s.Validate()
	if err == nil || !strings.Contains(err.Error(), "multiple of 60") {
		t.Fatalf("Validate = %v", err)
	}
}
