// Package bus is the lab's in-process event bus (model.Bus): the stand-in for
// Monasca's Kafka topics between the API, the threshold engine and the
// notification engine.
package bus

import (
	"context"
	"errors"
	"sync"

	"github.com/monhook/monhook/internal/lab/model"
)

// Bus fans every published event out to all current subscribers. Each
// subscriber has its own unbounded queue drained by one goroutine, so a slow
// subscriber never blocks Publish or the other subscribers (Kafka consumers
// are independent in the same way).
type Bus struct {
	mu      sync.Mutex
	subs    map[*subscriber]struct{}
	closed  bool
	changed chan struct{} // closed and replaced when subscribers come or go
}

var _ model.Bus = (*Bus)(nil)

// New returns an empty bus.
func New() *Bus {
	return &Bus{subs: make(map[*subscriber]struct{}), changed: make(chan struct{})}
}

type subscriber struct {
	mu     sync.Mutex
	queue  []any
	wake   chan struct{} // capacity 1: "the queue may be non-empty"
	done   chan struct{} // closed by cancel
	out    chan any
	exited chan struct{} // closed when the pump has closed out
	once   sync.Once
}

// Publish queues event for every subscriber. It never blocks on a reader.
func (b *Bus) Publish(event any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		s.mu.Lock()
		s.queue = append(s.queue, event)
		s.mu.Unlock()
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// Subscribe returns a channel that receives, in order, every event published
// after the call. cancel stops delivery, closes the channel and waits for the
// subscriber's goroutine; it is safe to call more than once. After Close,
// Subscribe returns an already closed channel.
func (b *Bus) Subscribe() (<-chan any, func()) {
	s := &subscriber{
		wake:   make(chan struct{}, 1),
		done:   make(chan struct{}),
		out:    make(chan any),
		exited: make(chan struct{}),
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		close(s.out)
		close(s.exited)
		return s.out, func() {}
	}
	b.subs[s] = struct{}{}
	b.notifyLocked()
	b.mu.Unlock()
	go s.pump()
	cancel := func() {
		s.once.Do(func() {
			b.mu.Lock()
			delete(b.subs, s)
			b.notifyLocked()
			b.mu.Unlock()
			close(s.done)
		})
		<-s.exited
	}
	return s.out, cancel
}

func (b *Bus) notifyLocked() {
	close(b.changed)
	b.changed = make(chan struct{})
}

// WaitForSubscribers blocks until at least n subscriptions are live, so the
// lab can return from Start only once its engines listen (an event published
// before an engine subscribed would be lost to it).
func (b *Bus) WaitForSubscribers(ctx context.Context, n int) error {
	for {
		b.mu.Lock()
		count, ch, closed := len(b.subs), b.changed, b.closed
		b.mu.Unlock()
		if count >= n {
			return nil
		}
		if closed {
			return errors.New("bus: closed")
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Close cancels every subscription and waits for their goroutines. Later
// Publish calls are dropped.
func (b *Bus) Close() {
	b.mu.Lock()
	b.closed = true
	subs := make([]*subscriber, 0, len(b.subs))
	for s := range b.subs {
		subs = append(subs, s)
	}
	b.subs = make(map[*subscriber]struct{})
	b.notifyLocked()
	b.mu.Unlock()
	for _, s := range subs {
		s.once.Do(func() { close(s.done) })
		<-s.exited
	}
}

func (s *subscriber) pump() {
	defer close(s.exited)
	defer close(s.out)
	for {
		s.mu.Lock()
		batch := s.queue
		s.queue = nil
		s.mu.Unlock()
		for _, ev := range batch {
			select {
			case s.out <- ev:
			case <-s.done:
				return
			}
		}
		if len(batch) > 0 {
			continue
		}
		select {
		case <-s.wake:
		case <-s.done:
			return
		}
	}
}
