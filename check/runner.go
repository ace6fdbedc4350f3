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
	"github.com/monhook/monhook/openstack/monitoring/v2/features"
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
	// Email, if set, checks the EMAIL path instead of the webhook: the
	// method mails Email.To and the delivery stage reads Email.Mailbox.
	// Receiver is then unused.
	Email *EmailOptions
	// SkipCallbackTest skips the POST to the callback URL that proves,
	// before anything is created, that it leads to the receiver: for a URL
	// that does so only from the notifier's network.
	SkipCallbackTest bool
	// UserTimeout is the overall deadline the operator set (--timeout), 0
	// when none was given: a run it cut short names it first if it is
	// shorter than the scenario's minimum.
	UserTimeout time.Duration
	// Keep skips teardown and lists what was kept.
	Keep bool
	// Abandon, when closed, asks to exit without (the rest of) teardown: an
	// operator pressed Ctrl-C again. Teardown stops where it is and the
	// report lists what was left, so the exit is 4, never 130. nil never
	// closes.
	Abandon <-chan struct{}
	// PollInterval caps the wait between API polls for the alarm; default 2s.
	PollInterval time.Duration
	// Progress, if set, is told when each stage starts (for a spinner).
	Progress func(stage string)
	// TimeoutName is how messages and hints name the overall deadline;
	// default "--timeout", check's flag. A caller without that flag
	// (serve) names its own, so no hint points at a flag that is not there.
	TimeoutName string
}

// timeoutName is TimeoutName or check's flag.
func (r *Runner) timeoutName() string {
	if r.TimeoutName != "" {
		return r.TimeoutName
	}
	return "--timeout"
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
	mail     *mailSource // the EMAIL path's delivery source

	methodID, definitionID string
	definitionName         string
	alarmID                guardedID // the poll's find, or a verified delivery's
	// since is when the trigger started: deliveries count from then on.
	since      time.Time
	feeder     *feeder
	deliveries deliveryState
	failure    *stageError // the first failed stage's error

	// api is what preflight detected of the API; until then a Newton API
	// is assumed.
	api features.API
	// awaitEvaluation: the api-state trigger waits for the threshold
	// engine's first evaluation, because the API has no deterministic
	// alarms to start OK.
	awaitEvaluation bool

	// hostLag is how old the newest measurement preflight read from the
	// watched host was (negative: in the future), for the clock-skew hints.
	hostLag time.Duration
}

// Run executes the scenario. The report's Verdict and ExitCode say how it
// went; Run itself never fails.
func (r *Runner) Run(ctx context.Context) *report.Report {
	x := &run{Runner: r, sc: r.Scenario, api: features.Newton()}
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
// The alarm and delivery stages run side by side (watch): the delivery is
// the proof, the alarm poll a diagnostic.
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
	}
	for _, s := range steps {
		if x.mayStart(ctx, s.name) {
			x.stage(ctx, s.name, s.fn)
		}
	}
	if x.failure == nil && ctx.Err() == nil {
		x.watch(ctx)
		return
	}
	x.mayStart(ctx, scenarios.StageAlarm)
	x.mayStart(ctx, scenarios.StageDelivery)
	if x.forwardTo() != "" {
		x.mayStart(ctx, StageConsumer)
	}
}

// mayStart reports whether stage name may run; if not, it records why not
// (an earlier failure, the overall timeout, an interrupt).
func (x *run) mayStart(ctx context.Context, name string) bool {
	switch {
	case x.failure != nil && x.failure.overall:
		// Not run for want of time. The stage the timeout hit is the
		// one failure; these never ran, so they are skipped (as after
		// an interrupt), not failures of their own: one cause, one
		// failed JUnit testcase. The run is still not green.
		x.skip(name, "not run: the overall timeout ("+x.timeoutName()+") was reached in "+x.failure.stage)
	case x.failure != nil:
		x.skip(name, "skipped: "+x.failure.stage+" failed")
	case ctx.Err() != nil:
		x.notStarted(ctx, name)
	default:
		return true
	}
	return false
}

// notStarted records the stage the run's end hit before it began: the
// overall timeout (a failure naming the stage) or an interrupt.
func (x *run) notStarted(ctx context.Context, name string) {
	se := &stageError{stage: name, class: classInterrupted, msg: "interrupted before this stage started: " + x.ctxReason(ctx)}
	if isDeadline(ctx) {
		se = &stageError{stage: name, class: classFailure, timedOut: true, overall: true,
			msg: "the overall timeout (" + x.timeoutName() + ") was reached before this stage started", hints: x.timeoutHints()}
	}
	x.rep.Stages = append(x.rep.Stages, report.Stage{Name: name, Status: report.StatusFailed, Detail: se.Error(), Hints: se.hints})
	x.failure = se
}

func isDeadline(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded)
}

// stage runs fn under the stage's budget and records it.
func (x *run) stage(ctx context.Context, name string, fn func(context.Context) (string, error)) {
	if x.Progress != nil {
		x.Progress(name)
	}
	st, se := x.timed(ctx, ctx, name, fn)
	x.record(st, se)
}

// record appends a finished stage; its error, if it is the first, is the
// run's failure.
func (x *run) record(st report.Stage, se *stageError) {
	if se != nil && x.failure == nil {
		x.failure = se
	}
	x.rep.Stages = append(x.rep.Stages, st)
}

// timed runs fn under the stage's budget within work and says how it went.
// outer is the run's context, whose end (the overall --timeout, an
// interrupt) words the failure; work may end earlier on its own.
func (x *run) timed(outer, work context.Context, name string, fn func(context.Context) (string, error)) (report.Stage, *stageError) {
	budget := x.sc.Budget(name)
	sctx, cancel := context.WithTimeout(work, budget)
	defer cancel()
	started := time.Now()
	detail, err := fn(sctx)
	st := report.Stage{Name: name, Status: report.StatusOK, StartedAt: &started,
		DurationMS: report.Millis(time.Since(started)), Detail: detail}
	if err == nil {
		return st, nil
	}
	se := asStageError(err)
	se.stage = name
	switch {
	case errors.Is(outer.Err(), context.DeadlineExceeded) && se.class == classError:
		// The overall --timeout ran out inside an API call: Monasca or
		// Keystone did not answer in time. One rule for --timeout,
		// wherever it strikes: the check failed (exit 1), the same as
		// when it runs out before a stage or while awaiting an alarm.
		se.class, se.timedOut, se.overall = classFailure, true, true
		se.msg = "no answer before the overall timeout (" + x.timeoutName() + ")"
		se.hints = append(x.timeoutHints(), se.hints...)
	case errors.Is(outer.Err(), context.DeadlineExceeded):
		// The overall --timeout: whatever was awaited came too late.
		se.class, se.timedOut, se.overall = classFailure, true, true
		se.msg = "overall timeout (" + x.timeoutName() + ") reached during this stage"
		se.hints = append(x.timeoutHints(), se.hints...)
	case outer.Err() != nil:
		se.class = classInterrupted
		se.msg, se.err = "interrupted: "+x.ctxReason(outer), nil
	case errors.Is(err, context.DeadlineExceeded):
		se.timedOut = true
		if se.msg == "" {
			se.msg = fmt.Sprintf("timed out after %s (stage budget)", budget.Round(time.Millisecond))
		}
	}
	st.Status = report.StatusFailed
	st.Detail = se.Error()
	st.Hints = se.hints
	return st, se
}

func (x *run) skip(name, why string) {
	x.rep.Stages = append(x.rep.Stages, report.Stage{Name: name, Status: report.StatusSkipped, Detail: why})
}

// finish closes the receiver, copies deliveries and strays into the report
// and decides the verdict and exit code.
func (x *run) finish(ctx context.Context, start time.Time) {
	if src := x.source(); src != nil {
		_ = src.Close()
		x.collectDeliveries()
	}
	x.rep.DurationMS = report.Millis(time.Since(start))
	result := exitcode.Pass
	switch {
	case ctx.Err() != nil && !isDeadline(ctx):
		x.rep.Verdict, result = report.VerdictInterrupted, exitcode.Interrupted
		x.rep.Error = "interrupted: " + x.ctxReason(ctx)
	case x.failure == nil:
		// No stage failed; a pass still needs its proof.
		if why := x.unproven(); why != "" {
			x.rep.Verdict, result = report.VerdictFail, exitcode.Fail
			x.rep.Error = "no proof of delivery: " + why
			x.failStage(scenarios.StageDelivery, x.rep.Error)
		} else {
			x.rep.Verdict = report.VerdictPass
		}
	case x.failure.class == classUsage:
		x.rep.Verdict, result = report.VerdictError, exitcode.Usage
		x.rep.Error = x.failure.stage + ": " + x.failure.Error()
	case x.failure.class == classError:
		x.rep.Verdict, result = report.VerdictError, exitcode.CannotRun
		x.rep.Error = x.failure.stage + ": " + x.failure.Error()
	default:
		x.rep.Verdict, result = report.VerdictFail, exitcode.Fail
		x.rep.Error = x.failure.stage + ": " + x.failure.Error()
	}
	if len(x.rep.Leaked) > 0 && result == exitcode.Interrupted {
		x.rep.Error += "; teardown did not finish, left: " + resourceList(x.rep.Leaked)
	}
	x.rep.ExitCode = exitcode.Compute(result, len(x.rep.Leaked) > 0)
}

// failStage marks an already recorded stage failed with detail.
func (x *run) failStage(name, detail string) {
	for i := range x.rep.Stages {
		if x.rep.Stages[i].Name == name {
			x.rep.Stages[i].Status = report.StatusFailed
			x.rep.Stages[i].Detail = detail
		}
	}
}

func (x *run) ctxReason(ctx context.Context) string {
	if isDeadline(ctx) {
		return "overall timeout (" + x.timeoutName() + ") reached"
	}
	if c := context.Cause(ctx); c != nil && !errors.Is(c, context.Canceled) {
		return c.Error()
	}
	// A plain cancel (a scrape abandoned, a caller giving up): its
	// "context canceled" says nothing to an operator.
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
