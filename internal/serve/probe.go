package serve

import (
	"context"
	"errors"
	"sync"
	"time"
)

// errDraining: the server is shutting down and starts no new probe.
var errDraining = errors.New("serve: shutting down, no new probes")

// probeSpec is what to run.
type probeSpec struct {
	key      string // one probe at a time per key (target, or /probe's cloud+scenario)
	target   string // scheduled target name; "" for /probe
	cloud    string
	scenario *scenario
	hostname string
	connect  ConnectFunc
	forward  string // the target's forward-to consumer; "" none
	from     string // the target's email-from: the sender to expect; "" any
	typ      string // TypeWebhook or TypeEmail
}

// probe runs spec, or joins the run already in flight for the same key (a
// second Prometheus of an HA pair gets the same answer and Monasca sees one
// check). It waits for a slot under the concurrency cap within ctx.
func (s *Server) probe(ctx context.Context, p probeSpec) (*result, error) {
	if p.target == "" {
		// A scrape storm (many scrapers, a loop of curl) cannot multiply
		// Monasca API calls: a run that finished moments ago answers.
		if r := s.flights.recent(p.key, s.clk.Now().Add(-s.Config().ProbeMinInterval)); r != nil {
			return r, nil
		}
	}
	f, leader := s.flights.join(p.key)
	if !leader {
		select {
		case <-f.done:
			return f.r, f.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f.r, f.err = s.lead(ctx, p)
	s.flights.finish(p.key, f)
	return f.r, f.err
}

func (s *Server) lead(ctx context.Context, p probeSpec) (*result, error) {
	if !s.inflight.enter() {
		return nil, errDraining
	}
	defer s.inflight.leave()
	select {
	case s.sem <- struct{}{}:
		defer func() { <-s.sem }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.run(ctx, p), nil
}

// run executes one check on the shared receiver. Draining past its grace
// cancels it; the runner still tears down.
func (s *Server) run(ctx context.Context, p probeSpec) *result {
	ctx, cancel := withTeardownReserve(ctx, s.clk.Now())
	defer cancel()
	stop := context.AfterFunc(s.probeCtx, cancel)
	defer stop()

	s.metrics.inFlight.Inc()
	defer s.metrics.inFlight.Dec()
	runID := s.ids.next()
	defer s.ids.release(runID)
	cfg := s.Config()
	target := s.targetOf(cfg, p.cloud)
	var mail *EmailOptions
	if p.typ == TypeEmail {
		s.mailProbed.Store(true)
	}
	if p.typ == TypeEmail && cfg.Email != nil {
		o := *cfg.Email
		if p.from != "" {
			o.From = p.from
		}
		mail = &o
	}
	rep := runCheck(ctx, checkSpec{
		Email:       mail,
		Scenario:    scaleScenario(p.scenario, target.Speed),
		Connect:     p.connect,
		RunID:       runID,
		Mux:         s.receiverMux(),
		CallbackURL: cfg.CallbackURL,
		Hostname:    p.hostname,
		ForwardTo:   p.forward,
	})
	rep.Target = target
	s.leaks.add(p.cloud, leakedResources(rep, runID))
	r := newResult(rep, s.clk.Now())
	r.Target, r.Cloud, r.Type = p.target, p.cloud, typeLabel(p.typ)
	if !r.Success {
		// The next probe authenticates afresh: a failure may come from a
		// stale session (a token revoked, a project recreated behind the
		// same name), and one Keystone call per failed probe is cheap.
		s.conns.reset(p.cloud)
	}
	s.metrics.probes.WithLabelValues(r.Target, cloudLabel(r.Cloud), r.Scenario, r.Type, probeResult(r)).Inc()
	attrs := []any{"scenario", r.Scenario, "type", r.Type, "cloud", cloudLabel(r.Cloud), "run_id", r.RunID,
		"result", probeResult(r), "duration", r.Duration.Round(1e6)}
	if r.Target != "" {
		attrs = append(attrs, "target", r.Target)
	}
	if r.Success {
		s.log.Info("probe", attrs...)
	} else {
		s.log.Warn("probe", append(attrs, "failed_stage", r.failedStage(), "error", rep.Error)...)
	}
	return r
}

// targetOf is what the probe runs against: a monhook lab runs at its own
// speed, which serve discovers the way check does unless --speed says
// otherwise; anything else at real Monasca's speed.
func (s *Server) targetOf(cfg Config, cloud string) reportTarget {
	lab := 0.0
	if s.labSpeed != nil {
		lab = s.labSpeed(cloud)
	}
	t := reportTarget{Lab: lab > 0, Speed: cfg.Speed}
	if t.Speed <= 0 {
		t.Speed = lab
	}
	if t.Speed <= 0 {
		t.Speed = 1
	}
	return t
}

// withTeardownReserve ends the check a little before ctx's deadline: the
// runner tears down after its deadline, and the answer (or the target's
// result) must still arrive within the deadline Prometheus gave, or the
// failure is lost as a failed scrape.
func withTeardownReserve(ctx context.Context, now time.Time) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	return context.WithDeadline(ctx, dl.Add(-teardownReserve(dl.Sub(now))))
}

// teardownReserve is a fifth of the time left, at most 5 s: two DELETE
// calls on a healthy Monasca take well under a second.
func teardownReserve(left time.Duration) time.Duration {
	return min(left/5, 5*time.Second)
}

// typeLabel is the type label's value: webhook unless email.
func typeLabel(typ string) string {
	if typ == TypeEmail {
		return TypeEmail
	}
	return TypeWebhook
}

// cloudLabel names the OS_* environment "env" where a name is needed.
func cloudLabel(cloud string) string {
	if cloud == "" {
		return "env"
	}
	return cloud
}

// flights is one run per key at a time; later callers join it. The last
// result of each key is kept for recent.
type flights struct {
	mu   sync.Mutex
	m    map[string]*flight
	last map[string]*result
}

type flight struct {
	done chan struct{}
	r    *result
	err  error
}

func newFlights() *flights { return &flights{m: map[string]*flight{}, last: map[string]*result{}} }

// recent is key's last result if it finished after since.
func (fs *flights) recent(key string, since time.Time) *result {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if r := fs.last[key]; r != nil && r.Finished.After(since) {
		return r
	}
	return nil
}

func (fs *flights) join(key string) (*flight, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f, ok := fs.m[key]; ok {
		return f, false
	}
	f := &flight{done: make(chan struct{})}
	fs.m[key] = f
	return f, true
}

func (fs *flights) finish(key string, f *flight) {
	fs.mu.Lock()
	delete(fs.m, key)
	if f.r != nil {
		fs.last[key] = f.r
	}
	fs.mu.Unlock()
	close(f.done)
}

// tracker counts probes in flight so that draining can wait for them, and
// refuses new ones once draining started.
type tracker struct {
	mu       sync.Mutex
	n        int
	draining bool
	idle     chan struct{}
}

func (t *tracker) enter() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.draining {
		return false
	}
	t.n++
	return true
}

func (t *tracker) leave() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n--
	if t.n == 0 && t.idle != nil {
		close(t.idle)
		t.idle = nil
	}
}

// drain refuses new probes and returns a channel closed once none is in
// flight.
func (t *tracker) drain() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.draining = true
	ch := make(chan struct{})
	if t.n == 0 {
		close(ch)
	} else if t.idle != nil {
		return t.idle
	} else {
		t.idle = ch
	}
	return ch
}
