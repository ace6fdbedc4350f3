// Package agents simulates monasca-agent hosts: each posts cpu.idle_perc and
// a few other system metrics, with only the hostname dimension (the cpu
// plugin adds no service or component), every 15–30 s into the lab's
// monitoring project, so that agent-based alarms behave as on a real cloud.
package agents

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/monhook/monhook/internal/clock"
	"github.com/monhook/monhook/internal/lab/model"
)

// Defaults: monasca-agent's check_freq is 15 s, monasca-setup's 30 s.
const (
	DefaultHosts       = 3
	MinInterval        = 15 * time.Second
	MaxInterval        = 30 * time.Second
	HostnameDimension  = "hostname"
	hostnameFormat     = "lab-compute-%d"
	defaultSeedPerHost = 7919
)

// Options configure a Fleet.
type Options struct {
	Sink     model.MetricSink
	TenantID string
	Hosts    int // default 3
	Clock    clock.Clock
	Speed    float64
	Seed     int64
	Interval time.Duration // 0: a random 15–30 s per round
	Logger   *slog.Logger
	// ClockSkew is how far the agents' clocks run ahead (negative: behind)
	// of the lab's: added to every timestamp. Real time, not scaled by
	// Speed: a host's clock is off by wall-clock seconds.
	ClockSkew time.Duration
}

// host is one simulated machine's state, a mean-reverting random walk.
type host struct {
	name            string
	idle, mem, disk float64
	userShare       float64 // part of the busy time that is user time
}

// Fleet is a set of simulated agents.
type Fleet struct {
	o     Options
	mu    sync.Mutex
	rng   *rand.Rand
	hosts []*host
}

// New returns a fleet; Run starts posting.
func New(o Options) *Fleet {
	if o.Hosts <= 0 {
		o.Hosts = DefaultHosts
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	rng := rand.New(rand.NewPCG(uint64(o.Seed), defaultSeedPerHost))
	f := &Fleet{o: o, rng: rng}
	for i := 1; i <= o.Hosts; i++ {
		f.hosts = append(f.hosts, &host{
			name:      fmt.Sprintf(hostnameFormat, i),
			idle:      88 + rng.Float64()*8,
			mem:       55 + rng.Float64()*25,
			disk:      30 + rng.Float64()*30,
			userShare: 0.6 + rng.Float64()*0.2,
		})
	}
	return f
}

// Hostnames returns the hosts' names, lab-compute-1 first.
func (f *Fleet) Hostnames() []string {
	out := make([]string, len(f.hosts))
	for i, h := range f.hosts {
		out[i] = h.name
	}
	return out
}

// Run posts a round at once and then every interval until ctx ends. A
// failing sink is logged and the next round tried; Run returns nil on
// cancellation.
func (f *Fleet) Run(ctx context.Context) error {
	for {
		if err := f.PostOnce(ctx); err != nil && ctx.Err() == nil {
			f.o.Logger.Warn("agent metrics not accepted", "err", err)
		}
		timer := f.o.Clock.NewTimer(f.nextInterval())
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C():
		}
	}
}

func (f *Fleet) nextInterval() time.Duration {
	d := f.o.Interval
	if d <= 0 {
		f.mu.Lock()
		d = MinInterval + time.Duration(f.rng.Int64N(int64(MaxInterval-MinInterval)+1))
		f.mu.Unlock()
	}
	return model.Scale(d, f.o.Speed)
}

// PostOnce advances every host one step and posts its metrics, timestamped
// with the clock's now (plus ClockSkew), in one batch.
func (f *Fleet) PostOnce(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := f.o.Clock.Now().Add(f.o.ClockSkew)
	f.mu.Lock()
	batch := make([]model.Metric, 0, 5*len(f.hosts))
	for _, h := range f.hosts {
		f.step(h)
		busy := 100 - h.idle
		user := busy * h.userShare
		for _, m := range []struct {
			name  string
			value float64
		}{
			{"cpu.idle_perc", h.idle},
			{"cpu.user_perc", user},
			{"cpu.system_perc", busy - user},
			{"mem.usable_perc", h.mem},
			{"disk.space_used_perc", h.disk},
		} {
			batch = append(batch, model.Metric{
				TenantID:   f.o.TenantID,
				Name:       m.name,
				Dimensions: map[string]string{HostnameDimension: h.name},
				Timestamp:  now,
				Value:      round2(m.value),
			})
		}
	}
	f.mu.Unlock()
	return f.o.Sink.PostMetrics(f.o.TenantID, batch)
}

// step moves a host's values: idle reverts towards ~93 with small noise and
// rare short busy spells, so it stays mostly within 80–99.
func (f *Fleet) step(h *host) {
	r := f.rng
	h.idle += (93-h.idle)*0.3 + r.NormFloat64()*2
	if r.Float64() < 0.03 {
		h.idle -= 10 + r.Float64()*15 // a busy moment
	}
	h.idle = clamp(h.idle, 0, 99.9)
	h.mem = clamp(h.mem+(68-h.mem)*0.1+r.NormFloat64()*1.5, 5, 95)
	h.disk = clamp(h.disk+r.Float64()*0.05, 1, 99)
}

func clamp(v, lo, hi float64) float64 { return min(max(v, lo), hi) }

// round2 keeps two decimals, as psutil's percentages have.
func round2(v float64) float64 {
	return float64(int64(v*100+0.5)) / 100
}
