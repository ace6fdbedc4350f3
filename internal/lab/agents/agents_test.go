package agents

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/clock/clocktest"
	"github.com/monhook/monhook/internal/lab/model"
)

type sink struct{ batches chan []model.Metric }

func (s *sink) PostMetrics(tenant string, ms []model.Metric) error {
	for i := range ms {
		if ms[i].TenantID != tenant {
			panic("tenant mismatch")
		}
	}
	s.batches <- ms
	return nil
}

var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestPostOnceSendsAgentMetricsPerHost(t *testing.T) {
	c := clocktest.New(start)
	s := &sink{batches: make(chan []model.Metric, 1)}
	f := New(Options{Sink: s, TenantID: "monitoring", Clock: c, Seed: 1})
	if got, want := f.Hostnames(), []string{"lab-compute-1", "lab-compute-2", "lab-compute-3"}; !slices.Equal(got, want) {
		t.Fatalf("hostnames %v, want %v", got, want)
	}
	if err := f.PostOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	batch := recv(t, s.batches)
	if len(batch) != 15 {
		t.Fatalf("%d metrics, want 5 per host", len(batch))
	}
	names := map[string]int{}
	for _, m := range batch {
		names[m.Name]++
		if len(m.Dimensions) != 1 || m.Dimensions["hostname"] == "" {
			t.Errorf("%s dimensions %v, want hostname only", m.Name, m.Dimensions)
		}
		if !m.Timestamp.Equal(start) || m.TenantID != "monitoring" {
			t.Errorf("%s at %v for %q", m.Name, m.Timestamp, m.TenantID)
		}
		if m.Value < 0 || m.Value > 100 {
			t.Errorf("%s = %v, not a percentage", m.Name, m.Value)
		}
	}
	for _, n := range []string{"cpu.idle_perc", "cpu.user_perc", "cpu.system_perc", "mem.usable_perc", "disk.space_used_perc"} {
		if names[n] != 3 {
			t.Errorf("%s posted %d times, want 3", n, names[n])
		}
	}
}

func TestIdleIsMostlyBetween80And99(t *testing.T) {
	s := &sink{batches: make(chan []model.Metric, 1)}
	f := New(Options{Sink: s, TenantID: "p", Hosts: 5, Clock: clocktest.New(start), Seed: 42})
	in, total := 0, 0
	for range 400 {
		if err := f.PostOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, m := range recv(t, s.batches) {
			if m.Name != "cpu.idle_perc" {
				continue
			}
			total++
			if m.Value >= 80 && m.Value <= 99 {
				in++
			}
			if m.Value > 100 || m.Value < 0 {
				t.Fatalf("idle %v", m.Value)
			}
		}
	}
	if share := float64(in) / float64(total); share < 0.85 {
		t.Errorf("only %.0f%% of idle values in 80–99", share*100)
	}
}

func TestSameSeedSameValues(t *testing.T) {
	values := func() []float64 {
		s := &sink{batches: make(chan []model.Metric, 1)}
		f := New(Options{Sink: s, TenantID: "p", Clock: clocktest.New(start), Seed: 9})
		var out []float64
		for range 10 {
			_ = f.PostOnce(context.Background())
			for _, m := range recv(t, s.batches) {
				out = append(out, m.Value)
			}
		}
		return out
	}
	if !slices.Equal(values(), values()) {
		t.Error("two fleets with the same seed posted different values")
	}
}

func TestRunPostsEveryIntervalScaledBySpeed(t *testing.T) {
	c := clocktest.New(start)
	s := &sink{batches: make(chan []model.Metric, 10)}
	f := New(Options{Sink: s, TenantID: "p", Hosts: 1, Clock: c, Speed: 10, Seed: 3})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	recv(t, s.batches) // the first round goes out at once
	for round := 1; round <= 3; round++ {
		waitForTimer(t, c)
		// 15–30 s at speed 10 is 1.5–3 s: nothing before 1.5 s, a round by 3 s.
		c.Advance(MinInterval/10 - time.Millisecond)
		select {
		case <-s.batches:
			t.Fatalf("round %d before the minimum interval", round)
		default:
		}
		c.Advance(MaxInterval/10 - MinInterval/10 + time.Millisecond)
		b := recv(t, s.batches)
		if b[0].Timestamp.After(c.Now()) || b[0].Timestamp.Before(c.Now().Add(-MaxInterval/10)) {
			t.Errorf("round %d stamped %v at %v", round, b[0].Timestamp, c.Now())
		}
	}
	cancel()
	if err := recv(t, done); err != nil {
		t.Errorf("Run: %v", err)
	}
}

func TestClockSkewShiftsEveryTimestampInRealTime(t *testing.T) {
	c := clocktest.New(start)
	s := &sink{batches: make(chan []model.Metric, 1)}
	f := New(Options{Sink: s, TenantID: "monitoring", Clock: c, Seed: 1, Speed: 60, ClockSkew: -90 * time.Second})
	if err := f.PostOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, m := range recv(t, s.batches) {
		if want := start.Add(-90 * time.Second); !m.Timestamp.Equal(want) {
			t.Fatalf("%s at %v, want %v (90 s behind at any speed)", m.Name, m.Timestamp, want)
		}
	}
}

// recv takes the next value from ch, failing the test (rather than hanging
// it) if none comes within a generous deadline.
func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("nothing received within 10s")
		panic("unreachable")
	}
}

// waitForTimer is c.BlockUntilWaiters(1) with a deadline: a fleet that never
// arms its next round fails the test instead of hanging it.
func waitForTimer(t *testing.T, c *clocktest.Fake) {
	t.Helper()
	armed := make(chan struct{})
	go func() { c.BlockUntilWaiters(1); close(armed) }()
	select {
	case <-armed:
	case <-time.After(10 * time.Second):
		t.Fatal("the fleet armed no timer within 10s")
	}
}
