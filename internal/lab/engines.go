package lab

import (
	"context"

	"github.com/monhook/monhook/email"
	"github.com/monhook/monhook/internal/lab/agents"
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
// (evaluator), the notification engine (notifier) and the simulated agents,
// which post into AgentsTenantID through the store (model.MetricSink) as
// monasca-agent would through the API. Called by Start with l.mu held.
func (l *Lab) engines() []engine {
	l.evaluator = evaluator.New(evaluator.Options{
		Store: l.store, Bus: l.bus, Clock: l.clock, Speed: l.opts.Speed, Logger: l.log.With("engine", "evaluator"),
		DefinitionDelay: l.opts.DefinitionDelay,
	})
	l.notifier = notifier.New(notifier.Options{
		Store: l.store, Bus: l.bus, Clock: l.clock, Speed: l.opts.Speed, Logger: l.log.With("engine", "notifier"),
		SMTP:     l.smtp(),
		Encoding: l.opts.Profile.WebhookEncoding(), AuthToken: l.notifierToken(),
	})
	out := []engine{{name: "evaluator", run: l.evaluator.Run, subscribes: true}}
	if !l.opts.NoNotifier {
		out = append(out, engine{name: "notifier", run: l.notifier.Run, subscribes: true})
	}
	switch {
	case l.opts.Hosts < 0:
	case l.agentsTo == "":
		l.log.Warn("no project for the simulated agents (external mode without a service user): agents disabled")
	default:
		seed := l.opts.Seed
		if seed == 0 {
			seed = 1
		}
		l.fleet = agents.New(agents.Options{
			Sink: l.store, TenantID: l.agentsTo, Hosts: l.opts.Hosts, Clock: l.clock, Speed: l.opts.Speed,
			Seed: seed, Logger: l.log.With("engine", "agents"), ClockSkew: l.opts.AgentClockSkew,
		})
		out = append(out, engine{name: "agents", run: l.fleet.Run})
	}
	return out
}

// Hostnames are the simulated agents' hostnames (none before Start or
// without agents).
func (l *Lab) Hostnames() []string {
	l.mu.Lock()
	f := l.fleet
	l.mu.Unlock()
	if f == nil {
		return nil
	}
	return f.Hostnames()
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

// NotifierUser is the seeded user whose token the notifier sends with
// Options.NotifierAuthToken: the lab's admin, as the notification service
// runs with an admin account in the service project.
const NotifierUser = "labadmin"

// notifierToken is the notifier's X-Auth-Token source, or nil without
// Options.NotifierAuthToken: a fresh token of NotifierUser from the lab's
// Keystone for each POST (keystoneauth re-authenticates before expiry).
func (l *Lab) notifierToken() func(context.Context) (string, error) {
	if !l.opts.NotifierAuthToken {
		return nil
	}
	return func(context.Context) (string, error) { return l.Token(NotifierUser) }
}

// smtp is the notifier's [email_notifier]: the smarthost given, and the
// mail format of the profile's release unless one was given.
func (l *Lab) smtp() notifier.SMTP {
	s := l.opts.SMTP
	if s.Format == 0 {
		s.Format, _ = email.FormatFor(l.opts.Profile.Release())
	}
	return s
}
