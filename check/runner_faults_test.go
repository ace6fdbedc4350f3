package check_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/check"
	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/lab/store"
	"github.com/monhook/monhook/internal/labtest"
	"github.com/monhook/monhook/scenarios"
)

// The check's diagnoses of the failures operators hit, each produced by a
// lab option: the failing stage must name the cause in its hints.

func startFaultyLab(t *testing.T, opts lab.Options) *lab.Lab {
	t.Helper()
	opts.Speed = labSpeed
	return labtest.Start(t, opts)
}

// waitForAgents gives the agents time for a first round: the runner reads
// measurements of the last minutes at once.
func waitForAgents(t *testing.T, l *lab.Lab) {
	t.Helper()
	events, cancel := l.Bus().Subscribe()
	defer cancel()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case <-events:
			if len(l.Store().Metrics(l.AgentsTenantID(), store.MetricFilter{Name: "cpu.idle_perc"}, false)) > 0 {
				return
			}
		case <-deadline:
			t.Fatal("no agent measurements within 10 s")
		}
	}
}

func failedStage(t *testing.T, rep *report.Report, wantExit int) report.Stage {
	t.Helper()
	if rep.ExitCode != wantExit {
		t.Fatalf("exit %d, want %d: %s\nstages %+v", rep.ExitCode, wantExit, rep.Error, rep.Stages)
	}
	for _, s := range rep.Stages {
		if s.Status == report.StatusFailed {
			return s
		}
	}
	t.Fatalf("no failed stage: %+v", rep.Stages)
	return report.Stage{}
}

func wantHint(t *testing.T, s report.Stage, parts ...string) {
	t.Helper()
	all := strings.Join(s.Hints, "\n")
	for _, p := range parts {
		if !strings.Contains(all, p) {
			t.Errorf("stage %s hints do not say %q:\n%s", s.Name, p, all)
		}
	}
}

func TestAgentMetricsInAnotherProjectAreNamed(t *testing.T) {
	l := startFaultyLab(t, lab.Options{AgentsProject: "service"})
	waitForAgents(t, l)
	s := failedStage(t, run(t, newRunner(t, l, "cpu-idle"), time.Minute), 3)
	if s.Name != scenarios.StagePreflight {
		t.Fatalf("failed stage %s, want preflight", s.Name)
	}
	wantHint(t, s, "posting into another project")
}

func TestDefinitionReachingTheEngineLateIsNamed(t *testing.T) {
	// 10 minutes of Monasca time: 10 s at speed 60, past the alarm budget.
	l := startFaultyLab(t, lab.Options{DefinitionDelay: 10 * time.Minute})
	s := failedStage(t, run(t, newRunner(t, l, "synthetic"), time.Minute), 1)
	if s.Name != scenarios.StageAlarm {
		t.Fatalf("failed stage %s, want alarm", s.Name)
	}
	wantHint(t, s, "reaches it late")
}

func TestDefinitionDelayOfARealDeploymentStillPasses(t *testing.T) {
	l := startFaultyLab(t, lab.Options{DefinitionDelay: 3 * time.Second})
	if rep := run(t, newRunner(t, l, "synthetic"), time.Minute); rep.ExitCode != 0 {
		t.Fatalf("exit %d: %s", rep.ExitCode, rep.Error)
	}
}

func TestAgentClockAheadIsNamed(t *testing.T) {
	l := startFaultyLab(t, lab.Options{AgentClockSkew: 5 * time.Minute})
	waitForAgents(t, l)
	rep := run(t, newRunner(t, l, "cpu-idle"), time.Minute)
	s := failedStage(t, rep, 1)
	if s.Name != scenarios.StageDelivery {
		t.Fatalf("failed stage %s, want delivery", s.Name)
	}
	wantHint(t, s, "clock skew", "ahead", "UNDETERMINED")
	if d := stage(rep, scenarios.StagePreflight).Detail; !strings.Contains(d, "in the future") {
		t.Errorf("preflight detail %q does not mention the future timestamps", d)
	}
}

func TestAgentClockSlightlyBehindIsNamed(t *testing.T) {
	l := startFaultyLab(t, lab.Options{AgentClockSkew: -90 * time.Second})
	waitForAgents(t, l)
	s := failedStage(t, run(t, newRunner(t, l, "cpu-idle"), time.Minute), 1)
	if s.Name != scenarios.StageDelivery {
		t.Fatalf("failed stage %s, want delivery", s.Name)
	}
	wantHint(t, s, "clock skew", "behind")
}

func TestAgentClockFarBehindIsNamed(t *testing.T) {
	l := startFaultyLab(t, lab.Options{AgentClockSkew: -5 * time.Minute})
	waitForAgents(t, l)
	s := failedStage(t, run(t, newRunner(t, l, "cpu-idle"), time.Minute), 3)
	if s.Name != scenarios.StagePreflight {
		t.Fatalf("failed stage %s, want preflight", s.Name)
	}
	wantHint(t, s, "clock skew", "runs behind")
}

// TestUnknownHostnameNamesTheHostsThatReport: with --hostname of a host
// that never reported, the hint blamed the agents' project although three
// hosts report in this one.
func TestUnknownHostnameNamesTheHostsThatReport(t *testing.T) {
	l := startFaultyLab(t, lab.Options{})
	waitForAgents(t, l)
	r := newRunner(t, l, "cpu-idle")
	r.Hostname = "no-such-host"
	s := failedStage(t, run(t, r, time.Minute), 3)
	if s.Name != scenarios.StagePreflight {
		t.Fatalf("failed stage %s, want preflight", s.Name)
	}
	wantHint(t, s, "hosts reporting cpu.idle_perc in this project: lab-compute-1", "check --hostname")
	if strings.Contains(strings.Join(s.Hints, "\n"), "another project") {
		t.Errorf("hints blame another project: %q", s.Hints)
	}
}

// TestMonascaURLWithoutTheAPIIsNamed: --monasca-api-url pointing at the
// server's root answered "Monasca answered 404 404 Not Found" and no more.
func TestMonascaURLWithoutTheAPIIsNamed(t *testing.T) {
	l := startFaultyLab(t, lab.Options{Hosts: -1})
	r := newRunner(t, l, "synthetic")
	connect := r.Connect
	r.Connect = func(ctx context.Context) (check.Target, error) {
		target, err := connect(ctx)
		if err == nil {
			target.Client.Endpoint, target.Client.ResourceBase = l.URL()+"/", ""
		}
		return target, err
	}
	s := failedStage(t, run(t, r, time.Minute), 3)
	if s.Name != scenarios.StagePreflight || strings.Contains(s.Detail, "404 404") {
		t.Fatalf("stage %s: %q; want preflight with one 404", s.Name, s.Detail)
	}
	wantHint(t, s, "does not serve Monasca's v2.0 API", "--monasca-api-url")
}
