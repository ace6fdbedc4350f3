// Package loadgen posts Monasca-shaped webhook notifications at a receiver
// over real connections and measures what it acknowledges: deliveries per
// second and latency quantiles. It backs `make bench` (see bench_test.go)
// and cmd/monhook-loadgen.
package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Config describes one run. It stops after Requests requests, or after
// Duration, or when ctx ends — whichever comes first; at least one of
// Requests and Duration must be set.
type Config struct {
	URL         string
	Concurrency int // concurrent connections; default 16
	Requests    int
	Duration    time.Duration
	// Body returns the i-th request body; default Notification. Bodies are
	// built before the run so that building them is not measured.
	Body func(i int) []byte
	// Variants is how many distinct bodies are prepared and cycled; default 64.
	Variants int
	// Client overrides the HTTP client; by default one keep-alive
	// connection per worker.
	Client *http.Client
}

// Result is what a run measured. Acked counts 2xx answers: the deliveries
// the receiver took responsibility for.
type Result struct {
	Sent      int64
	Acked     int64
	Rejected  int64 // non-2xx answers
	Errors    int64 // no answer (connection errors, timeouts)
	FirstErr  string
	Elapsed   time.Duration
	Latencies Histogram
}

// PerSecond is acknowledged deliveries per second of wall time.
func (r *Result) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Acked) / r.Elapsed.Seconds()
}

// P99 is the 99th percentile latency of answered requests.
func (r *Result) P99() time.Duration { return r.Latencies.Quantile(0.99) }

// String summarises the run on one line.
func (r *Result) String() string {
	return fmt.Sprintf("%d sent, %d acked, %d rejected, %d errors in %v: %.0f deliveries/s, p50 %v, p99 %v, max %v",
		r.Sent, r.Acked, r.Rejected, r.Errors, r.Elapsed.Round(time.Millisecond), r.PerSecond(),
		r.Latencies.Quantile(0.5), r.P99(), r.Latencies.Max())
}

// Run performs the load. It returns an error only for a bad Config; request
// failures are counted in the Result.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.URL == "" {
		return nil, errors.New("loadgen: no URL")
	}
	if cfg.Requests <= 0 && cfg.Duration <= 0 {
		return nil, errors.New("loadgen: set Requests or Duration")
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 16
	}
	if cfg.Body == nil {
		cfg.Body = Notification
	}
	if cfg.Variants <= 0 {
		cfg.Variants = 64
	}
	bodies := make([][]byte, cfg.Variants)
	for i := range bodies {
		bodies[i] = cfg.Body(i)
	}
	client := cfg.Client
	if client == nil {
		t := &http.Transport{
			MaxIdleConns:        cfg.Concurrency,
			MaxIdleConnsPerHost: cfg.Concurrency,
			MaxConnsPerHost:     cfg.Concurrency,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		}
		defer t.CloseIdleConnections()
		client = &http.Client{Transport: t, Timeout: 30 * time.Second}
	}
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}

	var (
		next   atomic.Int64
		mu     sync.Mutex
		res    = &Result{}
		wg     sync.WaitGroup
		start  = time.Now()
		limit  = int64(cfg.Requests)
		header = http.Header{"Content-Type": {"application/json"}, "User-Agent": {"monhook-loadgen"}}
	)
	for range cfg.Concurrency {
		wg.Go(func() {
			var w Result
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if limit > 0 && i >= limit {
					break
				}
				w.Sent++
				body := bodies[i%int64(len(bodies))]
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.URL, bytes.NewReader(body))
				if err != nil {
					w.Errors++
					continue
				}
				req.Header = header.Clone()
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() != nil { // the run ended mid-request: not a failure
						w.Sent--
						break
					}
					w.Errors++
					if w.FirstErr == "" {
						w.FirstErr = err.Error()
					}
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				w.Latencies.Record(time.Since(t0))
				if resp.StatusCode >= 200 && resp.StatusCode < 300 {
					w.Acked++
				} else {
					w.Rejected++
				}
			}
			mu.Lock()
			res.Sent += w.Sent
			res.Acked += w.Acked
			res.Rejected += w.Rejected
			res.Errors += w.Errors
			if res.FirstErr == "" {
				res.FirstErr = w.FirstErr
			}
			res.Latencies.Merge(&w.Latencies)
			mu.Unlock()
		})
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	return res, nil
}
