package serve

import (
	"slices"
	"sync"
	"time"
)

// history keeps the last few /probe results for the index page and /report.
type history struct {
	mu    sync.Mutex
	items []*result // newest last
	max   int
}

func newHistory(max int) *history { return &history{max: max} }

func (h *history) add(r *result) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if slices.Contains(h.items, r) {
		return // a request that joined a run in flight: the same result
	}
	h.items = append(h.items, r)
	if len(h.items) > h.max {
		h.items = append(h.items[:0:0], h.items[len(h.items)-h.max:]...)
	}
}

// newestFirst returns a copy, newest first.
func (h *history) newestFirst() []*result {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*result, 0, len(h.items))
	for i := len(h.items) - 1; i >= 0; i-- {
		out = append(out, h.items[i])
	}
	return out
}

func (h *history) find(runID string) *result {
	for _, r := range h.newestFirst() {
		if r.RunID == runID {
			return r
		}
	}
	return nil
}

// unrunResult stands for a probe that never ran: no slot under the
// concurrency cap in time, or the run it joined outlived the caller. It is a
// failure: nothing was proven.
func unrunResult(cloud, scenarioName string, err error, now time.Time) *result {
	rep := &Report{Scenario: scenarioName, Verdict: verdictError, ExitCode: exitCannotRun,
		StartedAt: now, Error: "the probe did not run: " + err.Error()}
	return &result{Cloud: cloud, Scenario: scenarioName, Finished: now, Report: rep,
		Deliveries: map[string]int{deliveryExpected: 0, deliveryFindings: 0, deliveryUnexpected: 0, deliveryStray: 0}}
}
