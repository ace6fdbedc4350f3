package serve

import (
	"time"
)

// result is one finished probe, as the metrics and the index page see it.
type result struct {
	Target   string // scheduled target name; "" for /probe
	Cloud    string
	Scenario string
	Type     string // webhook or email
	RunID    string
	Finished time.Time
	Duration time.Duration
	Report   *Report
	// Success is the proof: see proven.
	Success bool
	// Latency is from the start of the trigger stage (monhook posting the
	// metric, or setting the alarm's state) to the arrival of the first
	// counted delivery, both on serve's own clock; valid when HasLatency.
	// Not from the payload's alarm_timestamp: whole seconds, and Monasca's
	// clock.
	Latency    time.Duration
	HasLatency bool
	// Deliveries counts what reached this run's token path, by result.
	Deliveries map[string]int
}

// Delivery results (label result of monhook_deliveries).
const (
	deliveryExpected   = "expected"   // counted toward an expectation, payload as Monasca's
	deliveryFindings   = "findings"   // counted, but the payload departs from Monasca's
	deliveryUnexpected = "unexpected" // this run's, but not a transition awaited
	deliveryStray      = "stray"      // reached the receiver, not this run's delivery
)

var deliveryResults = []string{deliveryExpected, deliveryFindings, deliveryUnexpected, deliveryStray}

// proven is the only way to success: the check passed, and the report
// itself shows every expected delivery arrived, matched Monasca's payload,
// and nothing was left behind. A report that says "pass" without that
// evidence is a failure — serve must never say "delivered" without proof.
func proven(rep *Report) bool {
	if rep == nil || rep.Verdict != verdictPass || rep.ExitCode != 0 || len(rep.Leaked) > 0 || len(rep.Expectations) == 0 {
		return false
	}
	want := 0
	for _, e := range rep.Expectations {
		if !e.Met || e.Want < 1 || e.Got < e.Want {
			return false
		}
		want += e.Want
	}
	counted := 0
	for _, d := range rep.Deliveries {
		if d.Expected && len(d.Findings) == 0 {
			counted++
		}
	}
	if counted < want {
		return false
	}
	for _, st := range rep.Stages {
		if st.Status != statusOK && st.Status != statusSkipped {
			return false
		}
		if st.Name == stageDelivery && st.Status != statusOK {
			return false
		}
	}
	return true
}

// newResult sums a report up.
func newResult(rep *Report, finished time.Time) *result {
	r := &result{
		Scenario:   rep.Scenario,
		RunID:      rep.RunID,
		Finished:   finished,
		Duration:   time.Duration(rep.DurationMS * float64(time.Millisecond)),
		Report:     rep,
		Success:    proven(rep),
		Deliveries: map[string]int{},
	}
	for _, k := range deliveryResults {
		r.Deliveries[k] = 0
	}
	for _, d := range rep.Deliveries {
		switch {
		case d.Expected && len(d.Findings) == 0:
			r.Deliveries[deliveryExpected]++
		case d.Expected:
			r.Deliveries[deliveryFindings]++
		default:
			r.Deliveries[deliveryUnexpected]++
		}
		trigger := triggerStart(rep)
		if !d.Expected || len(d.Findings) > 0 || trigger.IsZero() {
			continue
		}
		lat := max(d.ReceivedAt.Sub(trigger), 0)
		if !r.HasLatency || lat < r.Latency {
			r.Latency, r.HasLatency = lat, true
		}
	}
	r.Deliveries[deliveryStray] = len(rep.Strays)
	return r
}

// stageLabel is the stage a failed probe is blamed on: the first failed
// stage; not-run when no stage ran; proof when every stage passed but the
// proof (proven) is missing.
func (r *result) stageLabel() string {
	if st := r.failedStage(); st != "" {
		return st
	}
	if r.Report == nil || len(r.Report.Stages) == 0 {
		return "not-run"
	}
	return "proof"
}

// failedStage names the first failed stage, "" if none.
func (r *result) failedStage() string {
	for _, st := range r.Report.Stages {
		if st.Status != statusOK && st.Status != statusSkipped {
			return st.Name
		}
	}
	return ""
}

// triggerStart is when the trigger stage started; zero if it did not run.
func triggerStart(rep *Report) time.Time {
	for _, st := range rep.Stages {
		if st.Name == stageTrigger && st.StartedAt != nil && st.Status != statusSkipped {
			return *st.StartedAt
		}
	}
	return time.Time{}
}
