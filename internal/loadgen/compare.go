package loadgen

import (
	"context"
	"encoding/json"
	"net/http"
)

// DecodeOnlyHandler is the baseline for ratios: a bare net/http handler that
// decodes the JSON body and answers 200 (400 if it is not JSON). It records
// nothing, checks nothing and keeps nothing.
func DecodeOnlyHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v map[string]any
		if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
			w.WriteHeader(http.StatusBadRequest)
		}
	})
}

// Comparison runs the same load against two URLs in alternating rounds, so
// that noise from other processes on a shared machine hits both alike.
type Comparison struct {
	A, B        string
	Rounds      int // default 4
	PerRound    int // requests per round and URL; default 5000
	Concurrency int // default 16
}

// Compare runs c and returns the summed results for A and B.
func Compare(ctx context.Context, c Comparison) (a, b *Result, err error) {
	if c.Rounds <= 0 {
		c.Rounds = 4
	}
	if c.PerRound <= 0 {
		c.PerRound = 5000
	}
	a, b = &Result{}, &Result{}
	for range c.Rounds {
		for _, side := range []struct {
			url  string
			into *Result
		}{{c.B, b}, {c.A, a}} {
			r, err := Run(ctx, Config{URL: side.url, Concurrency: c.Concurrency, Requests: c.PerRound})
			if err != nil {
				return nil, nil, err
			}
			side.into.Add(r)
		}
	}
	return a, b, nil
}

// Add accumulates o into r (elapsed times add up: runs are sequential).
func (r *Result) Add(o *Result) {
	r.Sent += o.Sent
	r.Acked += o.Acked
	r.Rejected += o.Rejected
	r.Errors += o.Errors
	if r.FirstErr == "" {
		r.FirstErr = o.FirstErr
	}
	r.Elapsed += o.Elapsed
	r.Latencies.Merge(&o.Latencies)
}
