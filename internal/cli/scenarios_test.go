package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestScenariosListShowsNoTemplateInternals(t *testing.T) {
	t.Setenv("COLUMNS", "80")
	code, out, _ := runCLI(t, "scenarios")
	if code != 0 || strings.Contains(out, "{{") || !strings.Contains(out, "max(monhook.synthetic{monhook_run=<run-id>}) > 50") {
		t.Errorf("scenarios: exit %d\n%s", code, out)
	}
}

func TestScenariosNameShowsStagesBudgetsAndTimings(t *testing.T) {
	t.Setenv("COLUMNS", "80")
	code, out, errOut := runCLI(t, "scenarios", "retry")
	if code != 0 {
		t.Fatalf("scenarios retry: exit %d, %s", code, errOut)
	}
	for _, want := range []string{"scenario:    retry", "answers 500 to the first 1 delivery", "UNDETERMINED -> ALARM", "3m0s", "alarm-definition", "teardown", "default", "scenario"} {
		if !strings.Contains(out, want) {
			t.Errorf("scenarios retry lacks %q:\n%s", want, out)
		}
	}
	// --speed shows a lab run's timings: the retry scenario's 3m limit is 3s at
	// speed 60.
	_, out, _ = runCLI(t, "scenarios", "retry", "--speed", "60", "-o", "json")
	var d struct {
		Speed  float64 `json:"speed"`
		Expect []struct {
			Within string `json:"within"`
		} `json:"expect"`
		Preview string `json:"expression_preview"`
		Budgets []struct {
			Stage  string `json:"stage"`
			Budget string `json:"budget"`
		} `json:"stage_budgets"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if d.Speed != 60 || len(d.Budgets) != 9 || d.Preview == "" || len(d.Expect) == 0 || d.Expect[0].Within != "3s" {
		t.Errorf("scenarios retry --speed 60 -o json: %+v", d)
	}
}

func TestScenariosUnknownNameIsAUsageError(t *testing.T) {
	code, _, errOut := runCLI(t, "scenarios", "retri")
	if code != 2 || !strings.Contains(errOut, "retry") {
		t.Errorf("scenarios retri: exit %d, %q", code, errOut)
	}
	if code, _, _ := runCLI(t, "scenarios", "a", "b"); code != 2 {
		t.Errorf("two names: exit %d", code)
	}
}
