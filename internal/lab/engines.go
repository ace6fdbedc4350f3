package lab

import (
	"context"

	"github.com/monhook/monhook/internal/lab/evaluator"
	"github.com/monhook/monhook/internal/lab/notifier"
)

// engine is a background part of the lab run between Start and Close.
type engine struct {
	name string
	run  func(ctx context.Context) error
	// subscribes: Run subscribes to the bus; Start waits for it.
	subscribes bool
}

// engines wires part 2 onto the store and bus: the threshold engine
// (evaluator) and the notification engine (notifier). PART 2 WIRING POINT,
// not landed yet: the simulated agents (agents.New, posting into
// AgentsTenantID through the store as model.MetricSink).
func (l *Lab) engines() []engine {
	l.evaluator = evaluator.New(evaluator.Options{
		Store: l.store, Bus: l.bus, Clock: l.clock, Speed: l.opts.Speed, Logger: l.log.With("engine", "evaluator"),
	})
	l.notifier = notifier.New(notifier.Options{
		Store: l.store, Bus: l.bus, Clock: l.clock, Speed: l.opts.Speed, Logger: l.log.With("engine", "notifier"),
	})
	return []engine{
		{name: "evaluator", run: l.evaluator.Run, subscribes: true},
		{name: "notifier", run: l.notifier.Run, subscribes: true},
	}
}

// Tick runs one threshold evaluation cycle now (tests and fast mode); a
// no-op before Start.
func (l *Lab) Tick() {
	l.mu.Lock()
	ev := l.evaluator
	l.mu.Unlock()
	if ev != nil {
		ev.Tick()
	}
}

// NotifierStats counts the webhook attempts so far (zero before Start).
func (l *Lab) NotifierStats() notifier.Stats {
	l.mu.Lock()
	n := l.notifier
	l.mu.Unlock()
	if n == nil {
		return notifier.Stats{}
	}
	return n.Stats()
}
