package serve

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// targetState is a scheduled target and its last result.
type targetState struct {
	Target
	sc      *scenario
	connect ConnectFunc
	// ctx ends this target's schedule (drain, or a reload that removes or
	// changes it); a run in flight is not cancelled by it.
	ctx     context.Context
	stop    context.CancelFunc
	started bool // under Server.cfgMu

	mu      sync.Mutex
	last    *result
	running bool
}

func (t *targetState) lastResult() *result {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last
}

func (t *targetState) isRunning() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.running
}

func (t *targetState) setRunning(b bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.running = b
}

func (t *targetState) setLast(r *result) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.last = r
}

// schedule probes t every Interval, the first time after offset. Runs
// never overlap: a run that outlasts its interval delays the next start to
// the following slot.
func (s *Server) schedule(t *targetState, offset time.Duration) {
	defer s.schedWG.Done()
	timer := s.clk.NewTimer(offset)
	defer timer.Stop()
	for {
		select {
		case <-t.ctx.Done():
			return
		case <-timer.C():
		}
		started := s.clk.Now()
		t.setRunning(true)
		// Not derived from t.ctx: a reload lets the run in flight finish.
		ctx, cancel := context.WithTimeout(context.Background(), t.Timeout)
		r, err := s.probe(ctx, probeSpec{key: "target\x00" + t.key(), target: t.Name, cloud: t.Cloud, scenario: t.sc, hostname: t.Hostname, connect: t.connect, forward: t.ForwardTo, from: t.EmailFrom, typ: t.Type})
		cancel()
		t.setRunning(false)
		switch {
		case err == errDraining:
			return
		case err != nil:
			r = unrunResult(t.Cloud, t.sc.Name, err, s.clk.Now())
			r.Target = t.Name
		}
		t.setLast(r)
		if t.ctx.Err() != nil {
			return
		}
		elapsed := s.clk.Now().Sub(started)
		timer.Reset(t.Interval - elapsed%t.Interval)
	}
}

// targetCollector puts each target's last result on /metrics, stamped with
// the time it finished, plus the unstamped facts the dead-man's switch
// needs (last finish time, interval, timeout).
type targetCollector struct{ s *Server }

func (c targetCollector) Describe(ch chan<- *prometheus.Desc) { c.s.targetDescs.describe(ch) }

func (c targetCollector) Collect(ch chan<- prometheus.Metric) {
	d := c.s.targetDescs
	for _, t := range c.s.currentTargets() {
		lv := []string{t.Name, cloudLabel(t.Cloud), t.sc.Name, typeLabel(t.Type)}
		ch <- prometheus.MustNewConstMetric(d.interval, prometheus.GaugeValue, t.Interval.Seconds(), lv...)
		ch <- prometheus.MustNewConstMetric(d.timeoutOf, prometheus.GaugeValue, t.Timeout.Seconds(), lv...)
		r := t.lastResult()
		if r == nil {
			continue
		}
		ch <- prometheus.MustNewConstMetric(d.lastTimestamp, prometheus.GaugeValue, float64(r.Finished.UnixNano())/1e9, lv...)
		d.collect(ch, r, true, lv...)
	}
}
