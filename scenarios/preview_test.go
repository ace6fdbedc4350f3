package scenarios

import (
	"strings"
	"testing"
)

func TestPreviewShowsTheExpressionARunCreates(t *testing.T) {
	for _, s := range Builtins() {
		got := s.Preview()
		if strings.Contains(got, "{{") {
			t.Errorf("%s: preview %q still holds template syntax", s.Name, got)
		}
		if !strings.Contains(got, s.Metric.Name) {
			t.Errorf("%s: preview %q does not name the metric %s", s.Name, got, s.Metric.Name)
		}
	}
	syn, err := Builtin("synthetic")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := syn.Preview(), "max(monhook.synthetic{monhook_run=<run-id>}) > 50"; got != want {
		t.Errorf("synthetic preview = %q, want %q", got, want)
	}
	cpu, err := Builtin("cpu-idle")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cpu.Preview(), "max(cpu.idle_perc{hostname=<hostname>}) >= 0"; got != want {
		t.Errorf("cpu-idle preview = %q, want %q", got, want)
	}
}
