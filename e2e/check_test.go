//go:build e2e

package e2e

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/scenarios"
)

// e2eSpeed is the lab's time compression; checks are told the same with
// --speed so their budgets match.
const e2eSpeed = "60"

func parseReport(t *testing.T, r result) *report.Report {
	t.Helper()
	var rep report.Report
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\nstdout:\n%s\nstderr:\n%s", err, r.Stdout, r.Stderr)
	}
	return &rep
}

// stageNamed is the report's stage of that name, or a zero Stage.
func stageNamed(rep *report.Report, name string) report.Stage {
	for _, s := range rep.Stages {
		if s.Name == name {
			return s
		}
	}
	return report.Stage{}
}

// cleanupResources reads `monhook cleanup -o json`: the resources of a
// schema_version 1 document.
func cleanupResources(stdout string) ([]map[string]any, error) {
	var doc struct {
		SchemaVersion int              `json:"schema_version"`
		Resources     []map[string]any `json:"resources"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		return nil, err
	}
	if doc.SchemaVersion != 1 {
		return nil, fmt.Errorf("schema_version %d, want 1", doc.SchemaVersion)
	}
	return doc.Resources, nil
}

// assertLabClean lists monhook leftovers through the binary's own cleanup.
func assertLabClean(t *testing.T, lp *labProcess) {
	t.Helper()
	r := runMonhook(t, lp.Env(), "cleanup", "--dry-run", "-o", "json")
	if r.Code != 0 {
		t.Fatalf("cleanup --dry-run: exit %d\n%s", r.Code, r.Stderr)
	}
	left, err := cleanupResources(r.Stdout)
	if err != nil {
		t.Fatalf("cleanup output: %v\n%s", err, r.Stdout)
	}
	if len(left) != 0 {
		t.Errorf("monhook resources left in the lab: %v", left)
	}
}

func TestEveryBuiltinScenarioPassesAgainstMonhookLab(t *testing.T) {
	lp := startLabProcess(t, "--speed", e2eSpeed)
	for _, sc := range scenarios.Builtins() {
		t.Run(sc.Name, func(t *testing.T) {
			r := runMonhook(t, lp.Env(), "check", "--scenario", sc.Name, "--speed", e2eSpeed, "-o", "json", "--timeout", "2m")
			rep := parseReport(t, r)
			if r.Code != 0 || rep.Verdict != report.VerdictPass {
				t.Fatalf("exit %d verdict %s: %s\nstderr:\n%s", r.Code, rep.Verdict, rep.Error, r.Stderr)
			}
			if rep.Scenario != sc.Name || len(rep.Stages) != len(scenarios.Stages()) {
				t.Errorf("report names scenario %q with %d stages", rep.Scenario, len(rep.Stages))
			}
			assertLabClean(t, lp)
		})
	}
}

func TestYAMLAndJUnitReportsParseAndAgree(t *testing.T) {
	lp := startLabProcess(t, "--speed", e2eSpeed)
	junit := filepath.Join(t.TempDir(), "report.xml")
	r := runMonhook(t, lp.Env(), "check", "-s", "synthetic", "--speed", e2eSpeed, "-o", "yaml", "--junit", junit)
	if r.Code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	var rep report.Report
	if err := yaml.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatalf("stdout is not YAML: %v", err)
	}
	if rep.Verdict != report.VerdictPass {
		t.Errorf("verdict %q", rep.Verdict)
	}
	raw, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Cases    []struct {
			Name string `xml:"name,attr"`
		} `xml:"testcase"`
	}
	if err := xml.Unmarshal(raw, &suite); err != nil {
		t.Fatalf("JUnit file does not parse: %v\n%s", err, raw)
	}
	if len(suite.Cases) != len(rep.Stages) || suite.Failures != 0 {
		t.Errorf("JUnit has %d cases (%d failures) for %d stages", len(suite.Cases), suite.Failures, len(rep.Stages))
	}
	assertLabClean(t, lp)
}

func TestTableOnStdoutAndNothingButErrorsOnStderr(t *testing.T) {
	lp := startLabProcess(t, "--speed", e2eSpeed)
	r := runMonhook(t, lp.Env(), "check", "-s", "synthetic", "--speed", e2eSpeed)
	if r.Code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	for _, want := range []string{"STAGE", "delivery", "PASS"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r.Stdout)
		}
	}
	if r.Stderr != "" {
		t.Errorf("stderr not empty on a non-TTY success: %q", r.Stderr)
	}
}

func TestTwoParallelChecksInOneProjectDoNotCollide(t *testing.T) {
	lp := startLabProcess(t, "--speed", e2eSpeed)
	results := make([]result, 2)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			results[i] = runMonhook(t, lp.Env(), "check", "-s", "ok-cycle", "--speed", e2eSpeed, "-o", "json")
		})
	}
	wg.Wait()
	runs := map[string]bool{}
	for i, r := range results {
		rep := parseReport(t, r)
		if r.Code != 0 {
			t.Errorf("check %d: exit %d: %s", i, r.Code, rep.Error)
		}
		if runs[rep.RunID] {
			t.Errorf("two checks share run id %s", rep.RunID)
		}
		runs[rep.RunID] = true
		for _, s := range rep.Strays {
			if s.Reason == "not-this-run" {
				t.Errorf("check %d received another run's notification", i)
			}
		}
	}
	assertLabClean(t, lp)
}
