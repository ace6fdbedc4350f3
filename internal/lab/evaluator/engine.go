// Package evaluator is the lab's threshold engine, modelled on
// monasca-thresh: it creates alarms from measurements that arrive after a
// definition, keeps Monasca's sliding windows per sub-alarm, evaluates them
// on a 60 s tick with a 30 s grace (and at once for the fast-path functions),
// and records transitions in the store, which publishes them for the
// notification engine.
package evaluator

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/monhook/monhook/internal/clock"
	"github.com/monhook/monhook/internal/lab/model"
)

// Monasca's timing constants (monasca-thresh defaults), before Speed.
const (
	TickInterval = 60 * time.Second // monasca.thresh.aggregation.tick.seconds
	AlarmDelay   = 30 * time.Second // ThresholdingConfiguration alarmDelay
	minute       = 60 * time.Second // TimeResolution.MINUTES
)

// Options configure an Engine.
type Options struct {
	Store  model.Store
	Bus    model.Bus
	Clock  clock.Clock // nil: the wall clock
	Speed  float64     // ≤0: 1; every Monasca duration is divided by it
	Logger *slog.Logger
	// DefinitionDelay is how long definition events take to reach the
	// engine (Kafka's events topic), before Speed; 0: at once.
	DefinitionDelay time.Duration
}

// Engine is the threshold engine. Its methods are safe for concurrent use.
type Engine struct {
	store model.Store
	bus   model.Bus
	clock clock.Clock
	log   *slog.Logger
	t     timing

	mu    sync.Mutex
	defs  map[string]*definition
	index map[string][]*definition // tenant + metric name → definitions using it
	flags []bool                   // scratch for alarm evaluation
	buf   []float64                // scratch for window values
}

// timing holds the scaled durations in nanoseconds.
type timing struct {
	unit  int64 // one (scaled) minute: slot granularity
	delay int64 // the grace after a view's end
	tick  time.Duration
	// defDelay is the scaled DefinitionDelay.
	defDelay time.Duration
}

// floor is TimeResolution.MINUTES.adjust on the scaled minute.
func (t timing) floor(ns int64) int64 {
	r := ns % t.unit
	if r < 0 {
		r += t.unit
	}
	return ns - r
}

// New returns an engine; call Run to start it.
func New(o Options) *Engine {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Engine{
		store: o.Store,
		bus:   o.Bus,
		clock: o.Clock,
		log:   o.Logger,
		t: timing{
			unit:  int64(model.Scale(minute, o.Speed)),
			delay: int64(model.Scale(AlarmDelay, o.Speed)),
			tick:  model.Scale(TickInterval, o.Speed),
			defDelay: func() time.Duration {
				if o.DefinitionDelay <= 0 {
					return 0
				}
				return model.Scale(o.DefinitionDelay, o.Speed)
			}(),
		},
		defs:  map[string]*definition{},
		index: map[string][]*definition{},
	}
}

// Run subscribes to the bus, takes over the definitions and alarms already in
// the store, and evaluates every tick until ctx ends. It returns nil when ctx
// is cancelled or the bus closes the subscription.
func (e *Engine) Run(ctx context.Context) error {
	events, cancel := e.bus.Subscribe()
	defer cancel()
	e.load()
	ticker := e.clock.NewTicker(e.t.tick)
	defer ticker.Stop()
	held := &eventQueue{clock: e.clock, delay: e.t.defDelay}
	defer held.stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				return nil
			}
			if held.delays(ev) {
				held.push(ev)
				continue
			}
			if del, ok := ev.(model.DefinitionDeleted); ok {
				held.forget(del.DefinitionID)
			}
			e.Handle(ev)
		case <-held.c():
			for _, ev := range held.due() {
				e.Handle(ev)
			}
		case <-ticker.C():
			e.Tick()
		}
	}
}

// Handle processes one bus event now. Run calls it; tests may too.
func (e *Engine) Handle(event any) {
	switch ev := event.(type) {
	case model.DefinitionCreated:
		e.upsertDefinition(ev.Definition)
	case model.DefinitionUpdated:
		e.upsertDefinition(ev.Definition)
	case model.DefinitionDeleted:
		e.deleteDefinition(ev.DefinitionID)
	case model.AlarmDeleted:
		e.deleteAlarm(ev.DefinitionID, ev.AlarmID)
	case model.MetricsReceived:
		e.ingest(ev.Metrics)
	case model.AlarmTransitioned:
		e.syncState(ev.Transition)
	case *model.MetricsReceived:
		e.ingest(ev.Metrics)
	}
}

// Tick runs one evaluation cycle at the clock's now: every sub-alarm is
// evaluated and its window slid, and alarms whose state changes transition.
func (e *Engine) Tick() {
	now := e.clock.Now()
	ns := now.UnixNano()
	var out []model.Transition
	e.mu.Lock()
	for _, d := range e.defs {
		for _, a := range d.byID {
			changed := false
			for _, s := range a.subs {
				var c bool
				c, e.buf = s.evaluate(ns, e.t.delay, false, e.buf)
				changed = changed || c
				s.slide(ns, e.t.delay)
			}
			if changed {
				if t, ok := e.evaluateAlarm(d, a, now); ok {
					out = append(out, t)
				}
			}
		}
	}
	e.mu.Unlock()
	e.publish(out)
}

// evaluateAlarm computes the alarm's state from its sub-alarms and, when it
// changed, updates it and returns the transition. Call with e.mu held.
func (e *Engine) evaluateAlarm(d *definition, a *alarm, now time.Time) (model.Transition, bool) {
	state, changed := a.evaluate(d.expr, e.flags)
	if !changed {
		return model.Transition{}, false
	}
	old := a.state
	a.state = state
	metrics := make([]model.MetricDef, len(a.metrics))
	copy(metrics, a.metrics)
	return model.Transition{
		AlarmID:          a.id,
		DefinitionID:     d.def.ID,
		TenantID:         d.def.TenantID,
		AlarmName:        d.def.Name,
		AlarmDescription: d.def.Description,
		Severity:         d.def.Severity,
		OldState:         old,
		NewState:         state,
		Reason:           a.reason(state),
		ReasonData:       "{}",
		ActionsEnabled:   d.def.ActionsEnabled,
		Timestamp:        now,
		Metrics:          metrics,
		SubAlarms:        a.subAlarmStates(),
	}, true
}

// publish hands transitions to the store outside the engine's lock: the
// store publishes on the bus, and the bus may deliver back to us.
func (e *Engine) publish(ts []model.Transition) {
	for _, t := range ts {
		if !e.store.TransitionAlarm(t) {
			e.log.Debug("transition not applied", "alarm", t.AlarmID, "state", t.NewState)
			continue
		}
		e.log.Info("alarm transitioned", "alarm", t.AlarmID, "definition", t.DefinitionID,
			"old", t.OldState, "new", t.NewState, "reason", t.Reason)
	}
}

// syncState follows transitions made elsewhere (the API's manual state
// change), as monasca-thresh follows alarm-updated events. It reads the
// store's current state rather than the event's, so that the echo of an
// older transition of our own cannot roll the state back.
func (e *Engine) syncState(t model.Transition) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if d := e.defs[t.DefinitionID]; d != nil {
		if a := d.byID[t.AlarmID]; a != nil {
			if cur, ok := e.store.Alarm(t.AlarmID); ok && cur.State != a.state {
				// Changed by someone else: like thresh's RESEND, every
				// sub-alarm reports its state again so the alarm can
				// move off the imposed state.
				a.state = cur.State
				for _, s := range a.subs {
					s.noState = true
				}
			}
		}
	}
}
