package bus

import (
	"context"
	"testing"
	"time"
)

// waitLimit bounds every wait on a subscription: a broken bus fails the
// test instead of hanging it.
const waitLimit = 10 * time.Second

// recv returns the next event on ch.
func recv(t *testing.T, ch <-chan any) any {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("subscription closed, want an event")
		}
		return ev
	case <-time.After(waitLimit):
		t.Fatalf("no event within %v", waitLimit)
		return nil
	}
}

// drainUntilClosed reads ch until it is closed, and fails if it is still
// open after waitLimit.
func drainUntilClosed(t *testing.T, ch <-chan any) {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatalf("subscription still open %v later, want it closed", waitLimit)
		}
	}
}

func TestSubscriberReceivesEventsInOrder(t *testing.T) {
	b := New()
	defer b.Close()
	ch, cancel := b.Subscribe()
	defer cancel()
	for i := range 100 {
		b.Publish(i)
	}
	for i := range 100 {
		if got := recv(t, ch); got != i {
			t.Fatalf("event %d: got %v", i, got)
		}
	}
}

func TestSlowSubscriberDoesNotBlockPublishOrOthers(t *testing.T) {
	b := New()
	defer b.Close()
	_, cancelSlow := b.Subscribe() // never read
	defer cancelSlow()
	fast, cancelFast := b.Subscribe()
	defer cancelFast()
	for i := range 1000 {
		b.Publish(i) // would deadlock here if Publish waited for the slow reader
	}
	for i := range 1000 {
		if got := recv(t, fast); got != i {
			t.Fatalf("event %d: got %v", i, got)
		}
	}
}

func TestEventsBeforeSubscribeAreNotDelivered(t *testing.T) {
	b := New()
	defer b.Close()
	b.Publish("early")
	ch, cancel := b.Subscribe()
	defer cancel()
	b.Publish("late")
	if got := recv(t, ch); got != "late" {
		t.Fatalf("got %v, want late", got)
	}
}

func TestCancelClosesChannel(t *testing.T) {
	b := New()
	defer b.Close()
	ch, cancel := b.Subscribe()
	b.Publish(1)
	cancel()
	cancel()                // idempotent
	drainUntilClosed(t, ch) // whatever was delivered before cancel, then closed
}

func TestCloseEndsAllSubscriptions(t *testing.T) {
	b := New()
	ch1, _ := b.Subscribe()
	ch2, _ := b.Subscribe()
	b.Publish("x")
	b.Close()
	drainUntilClosed(t, ch1)
	drainUntilClosed(t, ch2)
	ch3, cancel := b.Subscribe()
	cancel()
	select {
	case _, ok := <-ch3:
		if ok {
			t.Fatal("subscribe after Close must return a closed channel")
		}
	case <-time.After(waitLimit):
		t.Fatal("subscribe after Close returned an open channel")
	}
	b.Publish("dropped") // must not panic
}

func TestWaitForSubscribers(t *testing.T) {
	b := New()
	defer b.Close()
	done := make(chan error)
	go func() { done <- b.WaitForSubscribers(context.Background(), 2) }()
	_, c1 := b.Subscribe()
	defer c1()
	_, c2 := b.Subscribe()
	defer c2()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(waitLimit):
		t.Fatal("WaitForSubscribers(2) still waiting with 2 subscribers")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.WaitForSubscribers(ctx, 3); err == nil {
		t.Fatal("a cancelled wait must fail")
	}
}
