package lab

import (
	"context"

	"github.com/monhook/monhook/internal/lab/evaluator"
)

// engine is a background part of the lab run between Start and Close.
type engine struct {
	name string
	run  func(ctx context.Context) error
	// subscribes: Run subscribes to the bus; Start waits for it.
	subscribes bool
}

// engines wires part 2 onto the store and bus: the threshold engine
// (evaluator), and — PART 2 WIRING POINT, not landed yet — the notification
// engine (notifier.New) and the simulated agents (agents.New, posting into
// AgentsTenantID through the store as model.MetricSink).
func (l *Lab) engines() []engine {
	l.evaluator = evaluator.New(evaluator.Options{
		Store: l.store, Bus: l.bus, Clock: l.clock, Speed: l.opts.Speed, Logger: l.log.With("engine", "evaluator"),
	})
	return []engine{{name: "evaluator", run: l.evaluator.Run, subscribes: true}}
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
