package check

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/exitcode"
	"github.com/monhook/monhook/marker"
	"github.com/monhook/monhook/receiver"
	"github.com/monhook/monhook/scenarios"
)

// DefaultTeardownTimeout bounds teardown when the scenario gives no budget;
// teardown runs with its own deadline even after the run's context ended.
const DefaultTeardownTimeout = 30 * time.Second

// Target is an authenticated Monasca endpoint and the project it acts in.
type Target struct {
	Client    *gophercloud.ServiceClient
	ProjectID string
}

// Runner executes one scenario stage by stage (DESIGN.md, "The check, stage
// by stage") and returns the report. It always tears down what it created,
// whether the run succeeds, fails, times out or is cancelled.
type Runner struct {
	// Scenario to run, already scaled to the target's speed.
	Scenario *scenarios.Scenario
	// Connect authenticates (the auth stage).
	Connect func(ctx context.Context) (Target, error)
	// RunID names this run's resources; "" picks a fresh one.
	RunID string
	// Hostname scopes agent scenarios; "" lets preflight pick one.
	Hostname string
	// Receiver carries the listen address, callback URL, TLS and persistence
	// settings; the runner adds the route toward Monasca, the scenario's
	// scripted answers and the clock.
	Receiver receiver.Options
	// Keep skips teardown and lists what was kept.
	Keep bool
	// PollInterval caps the wait between API polls for the alarm; default 2s.
	PollInterval time.Duration
	// Progress, if set, is told when each stage starts (for a spinner).
	Progress func(stage string)
}

// run is the state of one execution.
type run struct {
	*Runner
	sc       *scenarios.Scenario
	rep      *report.Report
	target   Target
	vars     scenarios.Vars
	rendered scenarios.Rendered
	recv     *receiver.Receiver

	methodID, definitionID, alarmID string
	definitionName                  string
	feeder                          *feeder
	deliveries                      deliveryState
	failure                         *stageError // the first failed stage's error

	// hostLag is how old the newest measurement preflight read from the
	// watched host was (negative: in the future), for the clock-skew hints.
	hostLag time.Duration
}

// Run executes the scenario. The report's Verdict and ExitCode say how it
// went; Run itself never fails.
func (r *Runner) Run(ctx context.Context) *report.Report {
	x := &run{Runner: r, sc: r.Scenario}
	if x.RunID == "" {
		x.RunID = marker.NewRunID()
	}
	start := time.Now()
	x.rep = &report.Report{
		SchemaVersion: report.SchemaVersion,
		RunID:         x.RunID,
		Scenario:      x.sc.Name,
		StartedAt:     start,
	}
	x.vars = scenarios.Vars{RunID: x.RunID, Hostname: r.Hostname}

	x.execute(ctx)
	x.teardown(ctx)
	x.finish(ctx, start)
	return x.rep
}

// execute runs the stages up to delivery; the first failure skips the rest.
func (x *run) execute(ctx context.Context) {
	steps := []struct {
		name string
		fn   func(context.Context) (string, error)
	}{
		{scenarios.StageAuth, x.auth},
		{scenarios.StagePreflight, x.preflight},
		{scenarios.StageReceiver, x.startReceiver},
		{scenarios.StageNotificationMethod, x.createMethod},
		{scenarios.StageAlarmDefinition, x.createDefinition},
		{scenarios.StageTrigger, x.trigger},
		{scenarios.StageAlarm, x.awaitAlarm},
		{scenarios.StageDelivery, x.awaitDeliveries},
	}
	for _, s := range steps {
		if x.failure != nil || ctx.Err() != nil {
			x.skip(s.name, skipReason(ctx, x.failure))
			continue
		}
		x.stage(ctx, s.name, s.fn)
	}
}

func skipReason(ctx context.Context, failed *stageError) string {
	if failed != nil {
		return "skipped: " + failed.stage + " failed"
	}
	return "skipped: " + ctxReason(ctx)
}

// stage runs fn under the stage's budget and records it.
func (x *run) stage(ctx context.Context, name string, fn func(context.Context) (string, error)) {
	if x.Progress != nil {
		x.Progress(name)
	}
	budget := x.sc.Budget(name)
	sctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	started := time.Now()
	detail, err := fn(sctx)
	st := report.Stage{Name: name, Status: report.StatusOK, StartedAt: &started,
		DurationMS: report.Millis(time.Since(started)), Detail: detail}
	if err != nil {
		se := asStageError(err)
		se.stage = name
		switch {
		case errors.Is(ctx.Err(), context.DeadlineExceeded) && se.class == classError:
			// The overall --timeout ran out inside an API call: Monasca or
			// Keystone did not answer.
			se.timedOut = true
			se.msg = "no answer before the overall timeout (--timeout)"
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			// The overall --timeout: whatever was awaited came too late.
			se.class, se.timedOut = classFailure, true
			se.msg = "overall timeout (--timeout) reached during this stage"
		case ctx.Err() != nil:
			se.class = classInterrupted
		case errors.Is(err, context.DeadlineExceeded):
			se.timedOut = true
			if se.msg == "" {
				se.msg = fmt.Sprintf("timed out after %s (stage budget)", budget.Round(time.Millisecond))
			}
		}
		st.Status = report.StatusFailed
		st.Detail = se.Error()
		st.Hints = se.hints
		x.failure = se
	}
	x.rep.Stages = append(x.rep.Stages, st)
}

func (x *run) skip(name, why string) {
	x.rep.Stages = append(x.rep.Stages, report.Stage{Name: name, Status: report.StatusSkipped, Detail: why})
}

// finish closes the receiver, copies deliveries and strays into the report
// and decides the verdict and exit code.
func (x *run) finish(ctx context.Context, start time.Time) {
	if x.recv != nil {
		_ = x.recv.Close()
		x.collectDeliveries()
	}
	x.rep.DurationMS = report.Millis(time.Since(start))
	result := exitcode.Pass
	switch {
	case ctx.Err() != nil && !errors.Is(context.Cause(ctx), context.DeadlineExceeded):
		x.rep.Verdict, result = report.VerdictInterrupted, exitcode.Interrupted
		x.rep.Error = "interrupted: " + ctxReason(ctx)
	case x.failure == nil:
		x.rep.Verdict = report.VerdictPass
	case x.failure.class == classError:
		x.rep.Verdict, result = report.VerdictError, exitcode.CannotRun
		x.rep.Error = x.failure.stage + ": " + x.failure.Error()
	default:
		x.rep.Verdict, result = report.VerdictFail, exitcode.Fail
		x.rep.Error = x.failure.stage + ": " + x.failure.Error()
	}
	x.rep.ExitCode = exitcode.Compute(result, len(x.rep.Leaked) > 0)
}

func ctxReason(ctx context.Context) string {
	if errors.Is(context.Cause(ctx), context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return "overall timeout (--timeout) reached"
	}
	if c := context.Cause(ctx); c != nil {
		return c.Error()
	}
	return "cancelled"
}

// endpointHost is host[:port] of the Monasca endpoint, for the receiver's
// route lookup.
func endpointHost(c *gophercloud.ServiceClient) string {
	u, err := url.Parse(c.ResourceBaseURL())
	if err != nil {
		return ""
	}
	return u.Host
}
