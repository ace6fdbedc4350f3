// Package notifier is the lab's notification engine, modelled on
// monasca-notification: on each alarm transition it POSTs the webhook body
// to the definition's methods for the new state (and, given an SMTP
// smarthost, mails EMAIL methods as the email plugin does), retries failures at the
// retry interval, and re-sends period-60 notifications while the state
// holds.
package notifier

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/monhook/monhook/email"
	"github.com/monhook/monhook/internal/clock"
	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/webhook"
)

// monasca-notification's defaults, before Speed.
const (
	Timeout        = 5 * time.Second  // [webhook_notifier] timeout
	RetryInterval  = 30 * time.Second // [retry_engine] interval
	MaxAttempts    = 5                // [retry_engine] max_attempts: retries after the first send
	PeriodicPeriod = 60               // the one period with a periodic engine ([kafka] periodic)
	periodicEvery  = PeriodicPeriod * time.Second
	defaultWorkers = 16
)

// Options configure an Engine.
type Options struct {
	Store      model.Store
	Bus        model.Bus
	Clock      clock.Clock // nil: the wall clock
	Speed      float64     // ≤0: 1; retry and periodic intervals are divided by it, the HTTP timeout is not
	HTTPClient *http.Client
	Logger     *slog.Logger
	Workers    int // concurrent senders; default 16
	// SMTP sends EMAIL methods' notifications (the email plugin); with no
	// Addr they are logged and skipped, as before the plugin existed.
	SMTP SMTP
	// Encoding is the plugin's JSON encoder (the release's); "" is
	// simplejson, the last releases'.
	Encoding webhook.Encoding
	// AuthToken, when set, gives the X-Auth-Token each POST carries: the
	// notification service's token, as monasca-notification sends with
	// [keystone] auth_required = True (Rocky on).
	AuthToken func(ctx context.Context) (string, error)
}

// Stats counts webhook attempts.
type Stats struct {
	Sent     int64 // answered 2xx
	Failed   int64 // non-2xx, timeout or connection error
	Retried  int64 // retry attempts made (each also counts as Sent or Failed)
	Periodic int64 // periodic re-sends made (each also counts as Sent or Failed)
}

// Engine is the notification engine.
type Engine struct {
	store   model.Store
	bus     model.Bus
	clock   clock.Clock
	client  *http.Client
	log     *slog.Logger
	workers int
	smtp    SMTP

	encoding  webhook.Encoding
	authToken func(ctx context.Context) (string, error)

	timeout, retryEvery, periodic time.Duration

	jobs                             chan job
	sent, failed, retried, periodicN atomic.Int64
	wg                               sync.WaitGroup            // scheduled retries and periodic waits
	trace                            func(event string, j job) // test hook; nil in production
}

type kind int

const (
	first kind = iota
	retry
	periodicSend
)

// job is one POST to make.
type job struct {
	kind     kind
	attempt  int // 0 for the first send, 1..MaxAttempts for retries
	methodID string
	address  string
	alarmID  string
	state    string              // the notification's new state, for the periodic check
	body     []byte              // webhook body
	mail     *email.Notification // EMAIL methods: composed at each send (its Date)
}

// New returns an engine; call Run to start it.
func New(o Options) *Engine {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{}
	}
	if o.Workers <= 0 {
		o.Workers = defaultWorkers
	}
	if o.SMTP.From == "" {
		o.SMTP.From = DefaultFrom
	}
	if o.SMTP.Format == 0 {
		o.SMTP.Format = email.Latest
	}
	if o.Encoding == "" {
		o.Encoding = webhook.SimpleJSON
	}
	return &Engine{
		store: o.Store, bus: o.Bus, clock: o.Clock, client: o.HTTPClient, log: o.Logger, workers: o.Workers, smtp: o.SMTP,
		encoding: o.Encoding, authToken: o.AuthToken,
		// The webhook timeout is a receiver's real time to answer, not a
		// Monasca interval: at --speed 60 a receiver that takes 100 ms
		// still gets one POST, as from real Monasca.
		timeout:    Timeout,
		retryEvery: model.Scale(RetryInterval, o.Speed),
		periodic:   model.Scale(periodicEvery, o.Speed),
		jobs:       make(chan job, 1024),
	}
}

// Stats returns the counters so far.
func (e *Engine) Stats() Stats {
	return Stats{Sent: e.sent.Load(), Failed: e.failed.Load(), Retried: e.retried.Load(), Periodic: e.periodicN.Load()}
}

// Run consumes AlarmTransitioned events until ctx ends, then waits for its
// senders and returns nil.
func (e *Engine) Run(ctx context.Context) error {
	events, cancel := e.bus.Subscribe()
	defer cancel()
	var workers sync.WaitGroup
	for range e.workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case j := <-e.jobs:
					e.send(ctx, j)
				}
			}
		}()
	}
	defer func() {
		workers.Wait()
		e.wg.Wait()
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				return nil
			}
			if t, ok := ev.(model.AlarmTransitioned); ok {
				e.notify(ctx, t.Transition)
			}
		}
	}
}

// notify queues the first send to every WEBHOOK (and EMAIL) method of the definition's
// actions for the new state (alarm_action rows by newState).
func (e *Engine) notify(ctx context.Context, t model.Transition) {
	// The jobs are decided first and queued after the trace, so a test sees
	// "transition" before any send the transition caused.
	jobs := e.jobsFor(t)
	e.traceEvent("transition", job{alarmID: t.AlarmID, state: t.NewState})
	for _, j := range jobs {
		e.enqueue(ctx, j)
	}
}

// jobsFor returns the first sends a transition causes.
func (e *Engine) jobsFor(t model.Transition) []job {
	if !t.ActionsEnabled {
		e.log.Debug("actions disabled: nothing sent", "alarm", t.AlarmID)
		return nil
	}
	def, ok := e.store.Definition(t.DefinitionID)
	if !ok {
		return nil
	}
	ids := def.ActionsFor(t.NewState)
	if len(ids) == 0 {
		return nil
	}
	body, err := BodyAs(t, e.encoding)
	if err != nil {
		e.log.Error("encoding a notification failed", "alarm", t.AlarmID, "err", err)
		return nil
	}
	var jobs []job
	for _, id := range ids {
		m, ok := e.store.NotificationMethod(id)
		if !ok {
			continue
		}
		j := job{kind: first, methodID: id, address: m.Address, alarmID: t.AlarmID, state: t.NewState, body: body}
		switch {
		case m.Type == "WEBHOOK":
		case m.Type == "EMAIL" && e.smtp.Addr != "":
			j.body, j.mail = nil, mailFor(t, e.smtp.From, m.Address)
		default:
			e.log.Info("notification type not sent by the lab", "type", m.Type, "method", id, "alarm", t.AlarmID)
			continue
		}
		jobs = append(jobs, j)
	}
	return jobs
}

func (e *Engine) enqueue(ctx context.Context, j job) {
	select {
	case e.jobs <- j:
	case <-ctx.Done():
	}
}

// after queues j once d has passed on the engine's clock.
func (e *Engine) after(ctx context.Context, d time.Duration, j job) {
	e.wg.Add(1)
	timer := e.clock.NewTimer(d)
	go func() {
		defer e.wg.Done()
		defer timer.Stop()
		select {
		case <-ctx.Done():
		case <-timer.C():
			e.enqueue(ctx, j)
		}
	}()
}

// send makes one attempt and schedules what follows it: a retry after a
// failure (not for periodic sends), and after the first send the periodic
// re-send for period-60 methods.
func (e *Engine) send(ctx context.Context, j job) {
	var method model.NotificationMethod
	if j.kind != first {
		// Retries and periodic sends re-read the method: deleted stops
		// them, a changed address is used.
		m, ok := e.store.NotificationMethod(j.methodID)
		if !ok {
			e.traceEvent("method-gone", j)
			return
		}
		j.address, method = m.Address, m
	}
	if j.kind == periodicSend {
		a, ok := e.store.Alarm(j.alarmID)
		if !ok || a.State != j.state || method.Period != PeriodicPeriod {
			e.traceEvent("periodic-stopped", j)
			return
		}
		e.periodicN.Add(1)
	}
	if j.kind == retry {
		e.retried.Add(1)
	}
	var ok bool
	if j.mail != nil {
		ok = e.sendMail(ctx, j)
	} else {
		ok = e.post(ctx, j)
	}
	switch {
	case ok:
		e.sent.Add(1)
		e.traceEvent("sent", j)
	default:
		e.failed.Add(1)
		e.traceEvent("failed", j)
		if j.kind != periodicSend && j.attempt < MaxAttempts {
			next := j
			next.kind, next.attempt = retry, j.attempt+1
			e.after(ctx, e.retryEvery, next)
		} else if j.kind != periodicSend {
			e.log.Warn("notification dropped after retries", "alarm", j.alarmID, "method", j.methodID)
		}
	}
	if j.kind == first {
		if m, ok := e.store.NotificationMethod(j.methodID); ok && m.Period == PeriodicPeriod {
			e.schedulePeriodic(ctx, j)
		}
	}
	if j.kind == periodicSend {
		e.schedulePeriodic(ctx, j)
	}
}

func (e *Engine) schedulePeriodic(ctx context.Context, j job) {
	next := j
	next.kind, next.attempt = periodicSend, 0
	e.after(ctx, e.periodic, next)
}

func (e *Engine) traceEvent(event string, j job) {
	if e.trace != nil {
		e.trace(event, j)
	}
}
