package check

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/marker"
	"github.com/monhook/monhook/scenarios"
)

// teardown deletes what the run created, alarm definition first, with its
// own deadline so it runs even after the run's context ended. Each delete
// is tried even when another failed.
//
// Monasca accepts either order (deleting a method in use drops it from the
// definitions' action lists: alarm_action's foreign key cascades). The order
// decides what a teardown cut short (budget, a second Ctrl-C, a failed
// DELETE) leaves behind: definition first, the worst leftover is an inert
// notification method nothing points at; method first, it would be the
// deliberately noisy alarm definition, its alarms firing in the operator's
// project. Resources are recorded method first, so they are deleted in
// reverse. TestTeardownDeletesTheDefinitionBeforeTheMethod pins this.
func (x *run) teardown(ctx context.Context) {
	if x.feeder != nil {
		x.feeder.stop()
	}
	if len(x.rep.Resources) == 0 {
		x.skip(scenarios.StageTeardown, "nothing was created")
		return
	}
	if x.Keep {
		x.rep.Kept = true
		x.skip(scenarios.StageTeardown, "kept (--keep): "+resourceList(x.rep.Resources))
		return
	}
	if x.Progress != nil {
		x.Progress(scenarios.StageTeardown)
	}
	budget := DefaultTeardownTimeout
	if d, ok := x.sc.Budgets[scenarios.StageTeardown]; ok && d > 0 {
		budget = d.Duration()
	}
	// Teardown outlives the run's context (timeout, first interrupt), but
	// not its own budget, nor an operator's insistence (Abandon).
	base, abandon := context.WithCancelCause(context.WithoutCancel(ctx))
	defer abandon(nil)
	tctx, cancel := context.WithTimeoutCause(base, budget, errTeardownTimeout)
	defer cancel()
	stop := x.cutShortOnAbandon(tctx, abandon)
	defer stop()
	started := time.Now()

	c := x.target.Client
	for i := len(x.rep.Resources) - 1; i >= 0; i-- {
		res := &x.rep.Resources[i]
		if err := marker.Delete(tctx, c, res.Kind, res.ID); err != nil {
			res.Error = err.Error()
			if errors.Is(context.Cause(tctx), errAbandoned) {
				res.Error = errAbandoned.Error()
			}
			x.rep.Leaked = append(x.rep.Leaked, *res)
			continue
		}
		res.Deleted = true
	}

	mailNote := ""
	if x.mail != nil {
		n, err := x.deleteMails(tctx)
		switch {
		case err != nil:
			res := report.Resource{Kind: report.KindMail, ID: x.Email.Mailbox.String(), Name: marker.ResourceName(x.RunID, "") + "*",
				Error: err.Error()}
			x.rep.Resources = append(x.rep.Resources, res)
			x.rep.Leaked = append(x.rep.Leaked, res)
		case n > 0:
			mailNote = fmt.Sprintf("; deleted %d mail(s) from the mailbox", n)
		}
	}

	st := report.Stage{Name: scenarios.StageTeardown, Status: report.StatusOK, StartedAt: &started,
		DurationMS: report.Millis(time.Since(started)), Detail: "deleted " + resourceList(x.rep.Resources) + mailNote}
	if len(x.rep.Leaked) > 0 {
		st.Status = report.StatusFailed
		st.Detail = "could not delete " + resourceList(x.rep.Leaked)
		if errors.Is(context.Cause(tctx), errAbandoned) {
			st.Detail = "cut short (" + errAbandoned.Error() + "), left " + resourceList(x.rep.Leaked)
		}
		st.Hints = []string{fmt.Sprintf("remove them with `monhook cleanup --run-id %s`", x.RunID)}
	}
	x.rep.Stages = append(x.rep.Stages, st)
}

var (
	errAbandoned       = errors.New("teardown abandoned: asked to exit at once")
	errTeardownTimeout = errors.New("teardown budget exhausted")
)

// cutShortOnAbandon cancels teardown's context with errAbandoned once
// Runner.Abandon closes (also if it already has); the returned func stops
// watching.
func (x *run) cutShortOnAbandon(ctx context.Context, cancel context.CancelCauseFunc) func() {
	if x.Abandon == nil {
		return func() {}
	}
	select {
	case <-x.Abandon:
		cancel(errAbandoned)
		return func() {}
	default:
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-x.Abandon:
			cancel(errAbandoned)
		case <-ctx.Done():
		case <-done:
		}
	}()
	return func() { close(done) }
}

func resourceList(rs []report.Resource) string {
	parts := make([]string, 0, len(rs))
	for _, r := range rs {
		parts = append(parts, fmt.Sprintf("%s %s (%s)", r.Kind, r.ID, r.Name))
	}
	return strings.Join(parts, ", ")
}
