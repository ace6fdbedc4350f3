package bus

import (
	"context"
	"testing"
)

func TestSubscriberReceivesEventsInOrder(t *testing.T) {
	b := New()
	defer b.Close()
	ch, cancel := b.Subscribe()
	defer cancel()
	for i := range 100 {
		b.Publish(i)
	}
	for i := range 100 {
		if got := <-ch; got != i {
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
		if got := <-fast; got != i {
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
	if got := <-ch; got != "late" {
		t.Fatalf("got %v, want late", got)
	}
}

func TestCancelClosesChannel(t *testing.T) {
	b := New()
	defer b.Close()
	ch, cancel := b.Subscribe()
	b.Publish(1)
	cancel()
	cancel() // idempotent
	for range ch {
		// drain whatever was delivered before cancel; the loop ends only if closed
	}
}

func TestCloseEndsAllSubscriptions(t *testing.T) {
	b := New()
	ch1, _ := b.Subscribe()
	ch2, _ := b.Subscribe()
	b.Publish("x")
	b.Close()
	for range ch1 {
	}
	for range ch2 {
	}
	ch3, cancel := b.Subscribe()
	cancel()
	if _, ok := <-ch3; ok {
		t.Fatal("subscribe after Close must return a closed channel")
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
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.WaitForSubscribers(ctx, 3); err == nil {
		t.Fatal("a cancelled wait must fail")
	}
}
