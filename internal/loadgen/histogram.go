package loadgen

import (
	"math/bits"
	"time"
)

// Histogram records latencies in log-linear buckets (16 per power of two,
// so quantiles are within about 6%) in constant memory, however many
// requests a run makes. The zero value is ready; it is not synchronised:
// each worker keeps its own and they are merged at the end.
type Histogram struct {
	counts [histBuckets]uint64
	n      uint64
	max    time.Duration
}

const (
	subBits     = 4
	subBuckets  = 1 << subBits   // 16
	linearLimit = 2 * subBuckets // values below 32 ns get a bucket each
	histBuckets = linearLimit + 59*subBuckets
)

func bucketOf(v uint64) int {
	b := bits.Len64(v)
	if b <= subBits+1 {
		return int(v)
	}
	shift := b - (subBits + 1)
	top := v >> shift // in [16, 32)
	return linearLimit + (shift-1)*subBuckets + int(top-subBuckets)
}

// upperBound is the largest value that falls in bucket i.
func upperBound(i int) uint64 {
	if i < linearLimit {
		return uint64(i)
	}
	shift := (i-linearLimit)/subBuckets + 1
	top := uint64((i-linearLimit)%subBuckets + subBuckets)
	return (top+1)<<shift - 1
}

// Record adds one latency.
func (h *Histogram) Record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.counts[bucketOf(uint64(d))]++
	h.n++
	if d > h.max {
		h.max = d
	}
}

// Merge adds o's records to h.
func (h *Histogram) Merge(o *Histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// Count is the number of records.
func (h *Histogram) Count() uint64 { return h.n }

// Max is the largest latency recorded.
func (h *Histogram) Max() time.Duration { return h.max }

// Quantile returns the latency below which a fraction q of records fall
// (the upper bound of the bucket holding it, capped at Max).
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q * float64(h.n))
	if rank >= h.n {
		rank = h.n - 1
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen > rank {
			return min(time.Duration(upperBound(i)), h.max)
		}
	}
	return h.max
}
