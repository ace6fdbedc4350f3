package receiver

import (
	"context"
	"fmt"
	"sync/atomic"
)

// waiter is one pending Await. match runs outside the receiver's lock, so
// it may call the receiver; it may run on several goroutines at once.
type waiter struct {
	match func(Delivery) bool
	done  atomic.Bool
	ch    chan Delivery // buffered 1: the winning offer never blocks
}

func (w *waiter) offer(d Delivery) {
	if !w.done.Load() && w.match(d) && w.done.CompareAndSwap(false, true) {
		w.ch <- d
	}
}

// Await returns the first delivery, already received or yet to come, for
// which match returns true. It blocks without polling until one arrives, ctx
// ends (the error wraps ctx.Err()) or the receiver is closed (ErrClosed).
// Deliveries that fell out of the bounded history are not considered.
func (r *Receiver) Await(ctx context.Context, match func(Delivery) bool) (Delivery, error) {
	if err := ctx.Err(); err != nil {
		return Delivery{}, fmt.Errorf("receiver: awaiting delivery: %w", err)
	}
	w := &waiter{match: match, ch: make(chan Delivery, 1)}
	// Registering and snapshotting under one lock splits deliveries exactly:
	// older ones are in the snapshot, newer ones are offered to w.
	r.mu.Lock()
	r.waiters[w] = struct{}{}
	past := r.deliveries.snapshot()
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.waiters, w)
		r.mu.Unlock()
	}()
	for _, d := range past {
		if match(d) {
			w.done.Store(true)
			return d, nil
		}
	}
	select {
	case d := <-w.ch:
		return d, nil
	case <-ctx.Done():
		return Delivery{}, fmt.Errorf("receiver: awaiting delivery: %w", ctx.Err())
	case <-r.closed:
		// A delivery may have won just before the close.
		select {
		case d := <-w.ch:
			return d, nil
		default:
			return Delivery{}, ErrClosed
		}
	}
}
