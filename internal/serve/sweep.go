package serve

import (
	"context"
	"time"
)

// sweepTimeout bounds the start-up sweep of one cloud.
const sweepTimeout = 2 * time.Minute

// sweepAll removes this instance's earlier leftovers (a crash or kill -9
// skipped their teardown) from every cloud a target names, and from the
// OS_* environment's cloud when it resolves. Only resources carrying
// monhook's marker with this instance's id, at least SweepOlderThan old,
// are touched: a probe running now is younger, and other instances' and
// hand-made resources do not match.
func (s *Server) sweepAll() {
	defer close(s.sweepDone)
	if s.cfg.SweepOlderThan == 0 {
		return
	}
	clouds := map[string]bool{}
	for _, t := range s.targets {
		clouds[t.Cloud] = true
	}
	if _, err := s.conns.get(""); err == nil {
		clouds[""] = true
	}
	for cloud := range clouds {
		s.sweepCloud(cloud)
	}
}

func (s *Server) sweepCloud(cloud string) {
	ctx, cancel := context.WithTimeout(s.probeCtx, sweepTimeout)
	defer cancel()
	connect, err := s.conns.get(cloud)
	if err != nil {
		return
	}
	conn, err := connect(ctx)
	if err != nil {
		s.log.Warn("sweep: cannot connect", "cloud", cloudLabel(cloud), "error", err)
		return
	}
	// Definitions come first: their alarms go with them, and no action
	// then points at a method about to be deleted.
	found, err := findLeftovers(ctx, conn.Client, s.ids.instance, s.cfg.SweepOlderThan, s.clk.Now())
	if err != nil {
		s.log.Warn("sweep: cannot list leftovers", "cloud", cloudLabel(cloud), "error", err)
		return
	}
	for _, l := range found {
		s.sweepOne(cloud, l.Kind, l.ID, l.Name, deleteResource(ctx, conn.Client, l.Kind, l.ID))
	}
}

func (s *Server) sweepOne(cloud, kind, id, name string, err error) {
	if err != nil {
		s.metrics.swept.WithLabelValues("failed").Inc()
		s.log.Warn("sweep: could not delete a leftover", "cloud", cloudLabel(cloud), "kind", kind, "id", id, "name", name, "error", err)
		return
	}
	s.metrics.swept.WithLabelValues("deleted").Inc()
	s.log.Info("sweep: deleted a leftover of this instance", "cloud", cloudLabel(cloud), "kind", kind, "id", id, "name", name)
}
