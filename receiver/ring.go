package receiver

// ring is a bounded FIFO: pushing onto a full ring drops the oldest item.
// It keeps memory flat however many deliveries arrive. Not synchronised.
type ring[T any] struct {
	items []T
	start int // index of the oldest item
	n     int
}

func newRing[T any](capacity int) *ring[T] {
	return &ring[T]{items: make([]T, capacity)}
}

func (r *ring[T]) push(v T) {
	if len(r.items) == 0 {
		return
	}
	if r.n < len(r.items) {
		r.items[(r.start+r.n)%len(r.items)] = v
		r.n++
		return
	}
	r.items[r.start] = v
	r.start = (r.start + 1) % len(r.items)
}

// snapshot returns the items oldest first, as a new slice.
func (r *ring[T]) snapshot() []T {
	out := make([]T, r.n)
	for i := range out {
		out[i] = r.items[(r.start+i)%len(r.items)]
	}
	return out
}
