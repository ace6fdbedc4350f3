package serve

import (
	"context"
	"sort"
	"sync"
	"time"
)

// The sweep deletes what runs of this instance left behind: a kill -9 or a
// crash skips teardown, and a teardown that failed (Monasca down) leaves a
// leak. It runs at start-up and then every SweepInterval, whether or not
// targets are scheduled, over every cloud this process knows (targets, the
// default cloud, clouds /probe has used).
//
// What may be deleted:
//   - a resource this process's own finished run reported as leaked: no run
//     of ours is using it any more, whatever its age;
//   - a resource whose run id begins with this instance's id and that is at
//     least SweepOlderThan old, unless it belongs to one of our runs in
//     flight. A run cannot be older than its deadline plus teardown (the
//     runner's contexts end it), so such a resource is from a run that is
//     over: a dead process's, or a finished run's leak. A live twin (same
//     instance id, e.g. replicas with the same receiver port) with the same
//     timeouts has no run in flight that old, so it is never touched.
//
// Nothing without monhook's exact marker, or with another instance's id,
// is ever listed (package marker). With a mailbox for type=email probes,
// the sweep takes this instance's old run mail there too (sweep_mail.go).

// sweepTimeout bounds one sweep of one cloud.
const sweepTimeout = 2 * time.Minute

// DefaultSweepInterval is how often the sweep runs after start-up.
const DefaultSweepInterval = time.Minute

// leaks are the resources this process's finished runs reported as not
// deleted, by cloud, until the sweep deletes them.
type leaks struct {
	mu sync.Mutex
	m  map[string]map[string]leftover // cloud → id → resource
}

func newLeaks() *leaks { return &leaks{m: map[string]map[string]leftover{}} }

func (l *leaks) add(cloud string, res []leftover) {
	if len(res) == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m[cloud] == nil {
		l.m[cloud] = map[string]leftover{}
	}
	for _, r := range res {
		l.m[cloud][r.ID] = r
	}
}

func (l *leaks) of(cloud string) []leftover {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]leftover, 0, len(l.m[cloud]))
	for _, r := range l.m[cloud] {
		out = append(out, r)
	}
	// Definitions first, as marker.Find orders them.
	sort.Slice(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

func (l *leaks) remove(cloud, id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.m[cloud], id)
}

// sweepLoop sweeps at start-up and then every SweepInterval until the
// server drains.
func (s *Server) sweepLoop() {
	defer s.schedWG.Done()
	first := true
	timer := s.clk.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-s.schedCtx.Done():
			if first {
				close(s.sweepDone)
			}
			return
		case <-timer.C():
		}
		s.sweepAll()
		if first {
			close(s.sweepDone)
			first = false
		}
		timer.Reset(s.Config().SweepInterval)
	}
}

// sweepAll sweeps every cloud this process knows.
func (s *Server) sweepAll() {
	cfg := s.Config()
	if cfg.NoSweep {
		return
	}
	for _, cloud := range s.knownClouds() {
		s.sweepCloud(cloud, cfg.sweepAge())
	}
	s.sweepMail(cfg.sweepAge())
}

func (s *Server) sweepCloud(cloud string, olderThan time.Duration) {
	ctx, cancel := context.WithTimeout(s.probeCtx, sweepTimeout)
	defer cancel()
	connect, err := s.conns.get(cloud)
	if err != nil {
		return
	}
	conn, err := connect(ctx)
	if err != nil {
		s.sweepFailed(cloud, "sweep: cannot connect", err)
		return
	}
	found, err := findLeftovers(ctx, conn.Client, s.ids.instance, olderThan, s.clk.Now())
	if err != nil {
		s.sweepFailed(cloud, "sweep: cannot list leftovers", err)
		return
	}
	// Our own finished runs' leaks go whatever their age; a run still in
	// flight (ours) is never touched, however old.
	seen := map[string]bool{}
	var todo []leftover
	for _, l := range append(s.leaks.of(cloud), found...) {
		if seen[l.ID] || s.ids.inFlight(l.RunID) {
			continue
		}
		seen[l.ID] = true
		todo = append(todo, l)
	}
	sort.SliceStable(todo, func(i, j int) bool { return todo[i].Kind < todo[j].Kind }) // definitions first
	remaining := 0
	for _, l := range todo {
		s.metrics.swept.WithLabelValues(cloudLabel(cloud), "found").Inc()
		if err := deleteResource(ctx, conn.Client, l.Kind, l.ID); err != nil {
			remaining++
			s.metrics.swept.WithLabelValues(cloudLabel(cloud), "failed").Inc()
			s.log.Warn("sweep: could not delete a leftover", "cloud", cloudLabel(cloud), "kind", l.Kind, "id", l.ID, "name", l.Name, "run_id", l.RunID, "error", err)
			continue
		}
		s.leaks.remove(cloud, l.ID)
		s.metrics.swept.WithLabelValues(cloudLabel(cloud), "deleted").Inc()
		s.log.Info("sweep: deleted a leftover of this instance", "cloud", cloudLabel(cloud), "kind", l.Kind, "id", l.ID, "name", l.Name, "run_id", l.RunID)
	}
	s.metrics.sweeps.WithLabelValues(cloudLabel(cloud), "ok").Inc()
	s.metrics.leftovers.WithLabelValues(cloudLabel(cloud)).Set(float64(remaining))
	if len(todo) > 0 {
		s.log.Info("sweep", "cloud", cloudLabel(cloud), "found", len(todo), "deleted", len(todo)-remaining, "remaining", remaining)
	}
}

// sweepFailed records a sweep that could not look: the leaks this process
// knows of are still there as far as anyone can tell.
func (s *Server) sweepFailed(cloud, msg string, err error) {
	s.metrics.sweeps.WithLabelValues(cloudLabel(cloud), "error").Inc()
	s.metrics.leftovers.WithLabelValues(cloudLabel(cloud)).Set(float64(len(s.leaks.of(cloud))))
	s.log.Warn(msg, "cloud", cloudLabel(cloud), "error", err)
}

// knownClouds are the clouds of the targets, the default cloud when it
// resolves, and every cloud /probe has used, sorted.
func (s *Server) knownClouds() []string {
	set := map[string]bool{}
	for _, t := range s.currentTargets() {
		set[t.Cloud] = true
	}
	def := s.Config().DefaultCloud
	if _, err := s.conns.get(def); err == nil {
		set[def] = true
	}
	for _, c := range s.conns.clouds() {
		set[c] = true
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}
