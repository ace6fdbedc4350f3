package check

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/scenarios"
)

// StageConsumer is the stage that records the --forward-to consumer's
// answers; it exists only when the run relays to one.
const StageConsumer = "consumer"

// guardedID is an id two stages share while they run side by side.
type guardedID struct {
	mu sync.Mutex
	id string
}

func (g *guardedID) get() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.id
}

// setIfEmpty keeps the first id found: the poll's and a delivery's name
// the same alarm once verified.
func (g *guardedID) setIfEmpty(id string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.id == "" {
		g.id = id
	}
}

// watch runs the alarm and delivery stages side by side once the trigger
// is done. The delivery is the proof: deliveries count from the trigger's
// start (the receiver keeps them, whenever they came), and one that
// arrives before the alarm poll lists the alarm counts all the same. The
// alarm poll is a diagnostic: it stops when the deliveries are in, and its
// timing and what it saw are still reported.
func (x *run) watch(ctx context.Context) {
	if x.Progress != nil {
		x.Progress(scenarios.StageAlarm)
		x.Progress(scenarios.StageDelivery)
	}
	dctx, stopDeliveries := context.WithCancel(ctx)
	defer stopDeliveries()
	actx, stopPoll := context.WithCancel(ctx)
	defer stopPoll()

	type outcome struct {
		st report.Stage
		se *stageError
	}
	alarmDone := make(chan outcome, 1)
	go func() {
		st, se := x.timed(ctx, actx, scenarios.StageAlarm, x.awaitAlarm)
		if se != nil && se.class == classError {
			// The API failed: the run cannot be judged (exit 3).
			stopDeliveries()
		}
		alarmDone <- outcome{st, se}
	}()
	dst, dse := x.timed(ctx, dctx, scenarios.StageDelivery, x.awaitDeliveries)
	stopPoll()
	a := <-alarmDone

	stoppedByUs := a.se != nil && a.se.class == classInterrupted && ctx.Err() == nil
	switch {
	case dse == nil && a.se != nil && a.se.class != classError:
		// The deliveries arrived before the poll listed the alarm, or the
		// poll gave up while they came: the alarm exists, verified by GET.
		a.st.Status, a.st.Hints, a.se = report.StatusOK, nil, nil
		a.st.Detail = x.alarmSeenByDelivery(a.st)
	case dse != nil && stoppedByUs:
		// The delivery stage ended first and failed: that is the cause;
		// the poll only had not listed the alarm yet.
		a.st.Detail = fmt.Sprintf("stopped when the delivery stage failed: the alarm poll had not listed the definition's alarm after %s",
			formatDuration(a.st.DurationMS))
		a.st.Hints = nil
		x.record(a.st, nil)
		x.record(dst, dse)
		x.consumerStageIfRelaying(dse)
		return
	case dse != nil && a.se != nil && a.se.class == classError && dctx.Err() != nil && ctx.Err() == nil:
		// Stopped because the alarm poll failed: not a delivery failure.
		dst = report.Stage{Name: scenarios.StageDelivery, Status: report.StatusSkipped, Detail: "stopped: alarm failed"}
		dse = nil
	}
	if dse != nil && dse.overall && a.se != nil && a.se.overall {
		// The overall --timeout ended both: the missing delivery, the
		// proof, is what the run failed on; the poll only had not seen the
		// alarm yet.
		x.failure = dse
	}
	x.record(a.st, a.se)
	x.record(dst, dse)
	x.consumerStageIfRelaying(dse)
}

func (x *run) consumerStageIfRelaying(deliveryErr *stageError) {
	if x.forwardTo() != "" {
		x.consumerStage(deliveryErr)
	}
}

// alarmSeenByDelivery is the alarm stage's detail when the deliveries, not
// the poll, showed the alarm.
func (x *run) alarmSeenByDelivery(polled report.Stage) string {
	id := x.alarmID.get()
	v := x.deliveries.verified[id]
	return fmt.Sprintf("alarm %s (%s) shown by its delivery and verified with GET /v2.0/alarms/%s; "+
		"the alarm poll had not listed it after %s", id, v.state, id, formatDuration(polled.DurationMS))
}

func formatDuration(ms float64) string {
	return report.FormatDuration(time.Duration(ms * float64(time.Millisecond)))
}
