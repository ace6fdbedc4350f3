package serve

import (
	"testing"
)

// maxAPICalls is what one probe may cost the Monasca it watches, per
// scenario (README, "Monasca API calls per probe": measured 9, 10–11, 11, 17,
// 20–21 and 14 at lab speed 60). A probe runs every few minutes on every
// watched cloud forever: this must not grow unnoticed. The headroom is for
// the calls that depend on timing (alarm polls, the metric feeder's posts
// while a scenario waits).
var maxAPICalls = map[string]int{
	"synthetic": 11,
	"api-state": 13,
	"cpu-idle":  13,
	"ok-cycle":  19,
	"periodic":  23,
	"retry":     16,
}

func TestMonascaAPICallsPerProbeDoNotGrow(t *testing.T) {
	l := startLab(t)
	s := startServer(t, l, Config{})
	<-s.SweepDone() // the sweep's list calls are not a probe's
	for _, name := range scenarioNames() {
		limit, ok := maxAPICalls[name]
		if !ok {
			t.Errorf("scenario %s has no API call budget in maxAPICalls", name)
			continue
		}
		before := l.calls.monasca()
		a := get(t, probeURL(s, name))
		calls := l.calls.monasca() - before
		if mustValue(t, parseMetrics(t, a.body), "monhook_probe_success") != 1 {
			t.Fatalf("%s did not pass", name)
		}
		t.Logf("%-10s %d Monasca API calls", name, calls)
		if calls > limit {
			t.Errorf("%s: %d Monasca API calls per probe, budget %d", name, calls, limit)
		}
	}
}
