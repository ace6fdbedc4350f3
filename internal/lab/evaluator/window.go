package evaluator

import "math"

// stat accumulates one slot's measurements for any aggregate function; the
// function only decides which field value() reads.
type stat struct {
	n        int
	sum      float64
	min, max float64
	last     float64
	lastTs   int64
}

func (s *stat) add(v float64, ts int64) {
	if s.n == 0 || v < s.min {
		s.min = v
	}
	if s.n == 0 || v > s.max {
		s.max = v
	}
	if s.n == 0 || ts >= s.lastTs {
		s.last, s.lastTs = v, ts
	}
	s.n++
	s.sum += v
}

// value returns the slot's statistic, NaN when the slot is empty (Java's
// uninitialised statistic).
func (s *stat) value(function string) float64 {
	if s.n == 0 {
		return math.NaN()
	}
	switch function {
	case "MIN":
		return s.min
	case "MAX":
		return s.max
	case "SUM":
		return s.sum
	case "COUNT":
		return float64(s.n)
	case "AVG":
		return s.sum / float64(s.n)
	default: // LAST
		return s.last
	}
}

// futureSlots is monasca-thresh's FUTURE_SLOTS: measurements up to two
// periods ahead of the view are kept for when the view slides onto them.
const futureSlots = 2

// window is monasca-common's SlidingWindowStats: `views` slots of `width`
// ending (exclusive) at viewEnd, plus futureSlots after it, stored as a ring.
// Times are Unix nanoseconds already floored to the (scaled) minute.
type window struct {
	width   int64
	views   int
	slots   []stat
	begin   int // ring index of the oldest slot
	viewEnd int64
}

func newWindow(width int64, views int, viewEnd int64) *window {
	return &window{width: width, views: views, slots: make([]stat, views+futureSlots), viewEnd: viewEnd}
}

func (w *window) start() int64 { return w.viewEnd - int64(w.views)*w.width }
func (w *window) end() int64   { return w.viewEnd + futureSlots*w.width }

// add puts a measurement into its slot; false means it is outside the window
// ("Metric is too old", or too far in the future) and was dropped.
func (w *window) add(v float64, slotTime, ts int64) bool {
	if slotTime < w.start() || slotTime >= w.end() {
		return false
	}
	i := int((slotTime - w.start()) / w.width)
	w.slots[(w.begin+i)%len(w.slots)].add(v, ts)
	return true
}

// values appends the statistic of the first n logical slots (n = views for
// the view, len(slots) for the whole window) to dst.
func (w *window) values(dst []float64, n int, function string) []float64 {
	for i := range n {
		dst = append(dst, w.slots[(w.begin+i)%len(w.slots)].value(function))
	}
	return dst
}

// shouldEvaluate is true once the view's end plus the grace has passed.
func (w *window) shouldEvaluate(now, delay int64) bool { return now > w.viewEnd+delay }

// slideTo is SlidingWindowStats.slideViewTo: advance by whole slots, plus one
// more when the remainder is past the grace, resetting the slots that
// become the newest future slots.
func (w *window) slideTo(now, delay int64) {
	if now <= w.viewEnd+delay {
		return
	}
	diff := now - w.viewEnd
	n := diff / w.width
	if diff%w.width > delay {
		n++
	}
	if n >= int64(len(w.slots)) {
		clear(w.slots)
		w.begin = 0
	} else {
		for range n {
			w.slots[w.begin] = stat{}
			w.begin = (w.begin + 1) % len(w.slots)
		}
	}
	w.viewEnd += n * w.width
}
