// Package clocktest provides a manually advanced clock.Clock for tests.
package clocktest

import (
	"sort"
	"sync"
	"time"

	"github.com/monhook/monhook/internal/clock"
)

// Fake is a clock that only moves when Advance is called. Timers and tickers
// fire synchronously inside Advance, in deadline order.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	waiters []*waiter
	changed chan struct{} // closed and replaced whenever waiters change
}

type waiter struct {
	deadline time.Time
	period   time.Duration // >0 for tickers
	ch       chan time.Time
	stopped  bool
}

// New returns a Fake set to start.
func New(start time.Time) *Fake {
	return &Fake{now: start, changed: make(chan struct{})}
}

var _ clock.Clock = (*Fake)(nil)

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// NewTimer returns a timer that fires when the fake time reaches now+d.
func (f *Fake) NewTimer(d time.Duration) clock.Timer {
	w := f.add(d, 0)
	return &fakeTimer{f: f, w: w}
}

// NewTicker returns a ticker firing every d of fake time.
func (f *Fake) NewTicker(d time.Duration) clock.Ticker {
	if d <= 0 {
		panic("clocktest: non-positive ticker period")
	}
	w := f.add(d, d)
	return &fakeTicker{f: f, w: w}
}

func (f *Fake) add(d, period time.Duration) *waiter {
	f.mu.Lock()
	defer f.mu.Unlock()
	w := &waiter{deadline: f.now.Add(d), period: period, ch: make(chan time.Time, 1)}
	f.waiters = append(f.waiters, w)
	f.notifyLocked()
	if d <= 0 {
		f.fireLocked()
	}
	return w
}

func (f *Fake) notifyLocked() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// Advance moves the clock forward by d, firing every timer and ticker whose
// deadline is reached, in order.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	end := f.now.Add(d)
	for {
		next := f.nextDeadlineLocked()
		if next.IsZero() || next.After(end) {
			break
		}
		f.now = next
		f.fireLocked()
	}
	f.now = end
}

func (f *Fake) nextDeadlineLocked() time.Time {
	var next time.Time
	for _, w := range f.waiters {
		if !w.stopped && (next.IsZero() || w.deadline.Before(next)) {
			next = w.deadline
		}
	}
	return next
}

func (f *Fake) fireLocked() {
	live := f.waiters[:0]
	sort.SliceStable(f.waiters, func(i, j int) bool { return f.waiters[i].deadline.Before(f.waiters[j].deadline) })
	for _, w := range f.waiters {
		if w.stopped {
			continue
		}
		if !w.deadline.After(f.now) {
			select {
			case w.ch <- f.now:
			default: // like time.Ticker: drop ticks a slow reader missed
			}
			if w.period > 0 {
				w.deadline = w.deadline.Add(w.period)
			} else {
				w.stopped = true
				continue
			}
		}
		live = append(live, w)
	}
	f.waiters = live
}

// Waiters returns how many timers and tickers are pending.
func (f *Fake) Waiters() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, w := range f.waiters {
		if !w.stopped {
			n++
		}
	}
	return n
}

// BlockUntilWaiters blocks until at least n timers or tickers are pending, so a
// test can Advance only after the code under test has armed its wait.
func (f *Fake) BlockUntilWaiters(n int) {
	for {
		f.mu.Lock()
		count := 0
		for _, w := range f.waiters {
			if !w.stopped {
				count++
			}
		}
		ch := f.changed
		f.mu.Unlock()
		if count >= n {
			return
		}
		<-ch
	}
}

type fakeTimer struct {
	f *Fake
	w *waiter
}

func (t *fakeTimer) C() <-chan time.Time { return t.w.ch }

func (t *fakeTimer) Stop() bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	was := !t.w.stopped
	t.w.stopped = true
	t.f.notifyLocked()
	return was
}

func (t *fakeTimer) Reset(d time.Duration) bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	was := !t.w.stopped
	t.w.stopped = false
	t.w.deadline = t.f.now.Add(d)
	found := false
	for _, w := range t.f.waiters {
		if w == t.w {
			found = true
		}
	}
	if !found {
		t.f.waiters = append(t.f.waiters, t.w)
	}
	t.f.notifyLocked()
	return was
}

type fakeTicker struct {
	f *Fake
	w *waiter
}

func (t *fakeTicker) C() <-chan time.Time { return t.w.ch }

func (t *fakeTicker) Stop() {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	t.w.stopped = true
	t.f.notifyLocked()
}
