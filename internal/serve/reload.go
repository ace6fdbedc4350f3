package serve

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// key identifies a target's schedule: a reload keeps a target whose key
// is unchanged (its last result and its timing stay), and replaces one
// whose settings changed.
func (t Target) key() string {
	return fmt.Sprintf("%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s", t.Name, t.Cloud, t.Scenario, t.ScenarioFile, t.Hostname, t.ForwardTo, t.Interval, t.Timeout, t.Type, t.EmailFrom)
}

// newTargetStates resolves every target's cloud and builds its state,
// reusing the running state of an unchanged target from old.
func (s *Server) newTargetStates(targets []Target, old []*targetState) ([]*targetState, error) {
	keep := map[string]*targetState{}
	for _, t := range old {
		keep[t.key()] = t
	}
	out := make([]*targetState, 0, len(targets))
	for i, t := range targets {
		if ts, ok := keep[t.key()]; ok {
			out = append(out, ts)
			continue
		}
		connect, err := s.conns.get(t.Cloud)
		if err != nil {
			return nil, configErrorf(fmt.Sprintf("serve.targets[%d].cloud", i), "%q: %v", t.Cloud, err)
		}
		// Loaded once: a scenario file edited later changes nothing until
		// a reload, which validates it first.
		sc, err := t.loadScenario(fmt.Sprintf("serve.targets[%d]", i))
		if err != nil {
			return nil, err
		}
		ctx, stop := context.WithCancel(s.schedCtx)
		out = append(out, &targetState{Target: t, sc: sc, connect: connect, ctx: ctx, stop: stop})
	}
	return out, nil
}

// fixedChanges lists the keys of the settings a running server cannot
// change (the listeners and the identity its sweep relies on) that new
// changes. A reload that changes one keeps the running value and says so.
func fixedChanges(old, new Config) []string {
	var out []string
	for _, c := range []struct {
		key      string
		old, new string
	}{
		{"serve.listen", old.Listen, new.Listen},
		{"serve.receiver-listen", old.ReceiverListen, new.ReceiverListen},
		{"serve.tls-cert", old.TLSCert, new.TLSCert},
		{"serve.tls-key", old.TLSKey, new.TLSKey},
		{webConfigKey, old.WebConfigFile, new.WebConfigFile},
		{"serve.instance-id", old.InstanceID, new.InstanceID},
		{"serve.max-concurrent", fmt.Sprint(old.MaxConcurrent), fmt.Sprint(new.MaxConcurrent)},
		{"serve.history", fmt.Sprint(old.History), fmt.Sprint(new.History)},
	} {
		if c.old != c.new {
			out = append(out, c.key)
		}
	}
	return out
}

// Reload replaces the configuration with cfg, validated first: a bad one
// changes nothing and the error says why (a *ConfigError naming its key).
// Targets that are unchanged keep running; removed or changed ones stop
// scheduling, and a run of theirs in flight finishes and tears down as
// usual. Settings a running server cannot change (listeners, TLS files,
// instance id, max-concurrent, history) keep their running value; the
// returned notes name them.
func (s *Server) Reload(cfg Config) (notes []string, err error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s.cfgMu.Lock()
	defer s.cfgMu.Unlock()
	if s.schedCtx.Err() != nil {
		return nil, errDraining
	}
	old := s.cfg
	for _, key := range fixedChanges(old, cfg) {
		notes = append(notes, key+" changes at the next restart, not on reload")
	}
	cfg.Listen, cfg.ReceiverListen, cfg.TLSCert, cfg.TLSKey = old.Listen, old.ReceiverListen, old.TLSCert, old.TLSKey
	// The file's content is read on every new connection; its path is
	// fixed at start-up.
	cfg.WebConfigFile = old.WebConfigFile
	cfg.InstanceID, cfg.MaxConcurrent, cfg.History = old.InstanceID, old.MaxConcurrent, old.History
	targets, err := s.newTargetStates(cfg.Targets, s.targets)
	if err != nil {
		return nil, err
	}
	kept := map[*targetState]bool{}
	for _, t := range targets {
		kept[t] = true
	}
	for _, t := range s.targets {
		if !kept[t] {
			t.stop()
		}
	}
	s.cfg, s.targets = cfg, targets
	if s.running {
		s.startSchedules(targets)
	}
	s.log.Info("reloaded", "targets", len(targets), "notes", strings.Join(notes, "; "))
	return notes, nil
}

// ReloadFromSource reads the configuration again through Options.Load and
// reloads it (SIGHUP, POST /-/reload). Every outcome is logged: a bad
// configuration keeps the running one, and the log says why.
func (s *Server) ReloadFromSource() ([]string, error) {
	if s.load == nil {
		return nil, errors.New("reloading is not configured")
	}
	cfg, err := s.load()
	if err == nil {
		var notes []string
		notes, err = s.Reload(cfg)
		if err == nil {
			for _, n := range notes {
				s.log.Warn("reload: " + n)
			}
			s.metrics.reloads.WithLabelValues("ok").Inc()
			return notes, nil
		}
	}
	s.metrics.reloads.WithLabelValues("error").Inc()
	s.log.Error("reload failed, the running configuration stays", "error", err)
	return nil, err
}

// handleReload is POST /-/reload, as Prometheus and its exporters offer
// it: 200 with notes, 400 with the reason the configuration was refused.
func (s *Server) handleReload(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	notes, err := s.ReloadFromSource()
	switch {
	case errors.Is(err, errDraining):
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
	case err != nil:
		http.Error(w, "configuration not reloaded, the running one stays: "+err.Error(), http.StatusBadRequest)
	default:
		fmt.Fprintln(w, "reloaded")
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
	}
}
