package check_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/scenarios"
)

// junitCounts parses the run's JUnit file as a CI system would.
func junitCounts(t *testing.T, rep *report.Report) (failures, skipped int) {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteJUnit(&b, rep); err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
	}
	if err := xml.Unmarshal(b.Bytes(), &suite); err != nil {
		t.Fatalf("JUnit does not parse: %v\n%s", err, b.String())
	}
	return suite.Failures, suite.Skipped
}

// `check --timeout 1ns`: the run's time is gone before auth. That proves
// nothing, so it fails (exit 1) naming the stage the timeout hit, and the
// stages that never ran are failed, not skipped, in the report and JUnit.
func TestATimeoutBeforeAnyStageFailsNamingTheStage(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	rep := r.Run(ctx)
	if rep.Verdict != report.VerdictFail || rep.ExitCode != 1 {
		t.Fatalf("verdict %s exit %d, want fail/1 (stages %+v)", rep.Verdict, rep.ExitCode, rep.Stages)
	}
	first := rep.FirstFailed()
	if first == nil || first.Name != scenarios.StageAuth || !strings.Contains(first.Detail, "--timeout") {
		t.Fatalf("first failed stage %+v, want auth naming --timeout", first)
	}
	if !strings.Contains(rep.Error, scenarios.StageAuth) {
		t.Errorf("error %q does not name the stage the timeout hit", rep.Error)
	}
	for _, s := range rep.Stages {
		if s.Name != scenarios.StageTeardown && s.Status != report.StatusFailed {
			t.Errorf("stage %s is %s, want failed (it never ran)", s.Name, s.Status)
		}
	}
	failures, skipped := junitCounts(t, rep)
	if failures != len(scenarios.Stages())-1 || skipped != 1 {
		t.Errorf("JUnit: %d failures, %d skipped; want every stage but teardown (nothing created) failed", failures, skipped)
	}
}

// A scenario built in Go without expectations (it never went through
// Validate) awaits nothing; it must not pass.
func TestAScenarioWithoutExpectationsNeverPasses(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	r.Scenario.Expect = nil
	rep := run(t, r, time.Minute)
	if rep.Verdict == report.VerdictPass || rep.ExitCode != 1 {
		t.Fatalf("verdict %s exit %d, want fail/1: nothing was expected, so nothing was proven", rep.Verdict, rep.ExitCode)
	}
	if !strings.Contains(rep.Error, "expects no delivery") {
		t.Errorf("error %q does not say why", rep.Error)
	}
	assertNothingLeft(t, l)
}

// An interrupt between two stages fails the stage it hit (JUnit shows a
// failure, not only skips) and exits 130 after a complete teardown.
func TestAnInterruptBetweenStagesNamesTheStageAndTearsDown(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	r.Progress = func(stage string) {
		if stage == scenarios.StageTrigger {
			cancel(errInterrupt)
		}
	}
	rep := r.Run(ctx)
	if rep.Verdict != report.VerdictInterrupted || rep.ExitCode != 130 {
		t.Fatalf("verdict %s exit %d, want interrupted/130", rep.Verdict, rep.ExitCode)
	}
	if f := rep.FirstFailed(); f == nil || f.Name != scenarios.StageTrigger {
		t.Errorf("first failed %+v, want the trigger stage the interrupt hit", f)
	}
	if failures, _ := junitCounts(t, rep); failures == 0 {
		t.Error("JUnit shows no failure for an interrupted run")
	}
	assertNothingLeft(t, l)
}

var errInterrupt = errorString("interrupt")

type errorString string

func (e errorString) Error() string { return string(e) }
