package serve

import (
	"testing"
	"time"

	"github.com/monhook/monhook/check/report"
)

// passingReport is what a real passing synthetic run reports.
func passingReport() *Report {
	return &Report{
		Scenario: "synthetic", RunID: "abcdefgh", Verdict: report.VerdictPass, ExitCode: 0,
		Stages: []report.Stage{
			{Name: "auth", Status: report.StatusOK}, {Name: "delivery", Status: report.StatusOK},
			{Name: "teardown", Status: report.StatusOK},
		},
		Expectations: []report.Expectation{{Index: 1, State: "ALARM", Want: 1, Got: 1, Met: true}},
		Deliveries:   []report.Delivery{{Seq: 1, Expected: true, Expectation: 1, ReceivedAt: time.Unix(1000, 5e8)}},
	}
}

func TestSuccessNeedsEveryPieceOfProof(t *testing.T) {
	if !proven(passingReport()) {
		t.Fatal("a complete passing report is not proven")
	}
	cases := map[string]func(r *Report){
		"verdict fail":                 func(r *Report) { r.Verdict = report.VerdictFail },
		"non-zero exit code":           func(r *Report) { r.ExitCode = 4 },
		"a leaked resource":            func(r *Report) { r.Leaked = []report.Resource{{Kind: "alarm-definition", ID: "x"}} },
		"no expectations at all":       func(r *Report) { r.Expectations = nil },
		"an expectation not met":       func(r *Report) { r.Expectations[0].Met = false },
		"fewer arrived than wanted":    func(r *Report) { r.Expectations[0].Got = 0 },
		"no delivery in the report":    func(r *Report) { r.Deliveries = nil },
		"delivery not counted":         func(r *Report) { r.Deliveries[0].Expected = false },
		"delivery with findings":       func(r *Report) { r.Deliveries[0].Findings = []report.Finding{{Code: "wrong-tenant"}} },
		"a failed stage":               func(r *Report) { r.Stages[2].Status = report.StatusFailed },
		"delivery stage did not run":   func(r *Report) { r.Stages[1].Status = report.StatusSkipped },
		"want zero (nothing to prove)": func(r *Report) { r.Expectations[0].Want, r.Expectations[0].Got = 0, 0 },
	}
	for name, spoil := range cases {
		r := passingReport()
		spoil(r)
		if proven(r) {
			t.Errorf("%s: reported as success", name)
		}
		if newResult(r, time.Now()).Success {
			t.Errorf("%s: newResult says success", name)
		}
	}
	if proven(nil) {
		t.Error("no report at all is success")
	}
}

func TestDeliveryLatencyFromTheTriggerOnServesClock(t *testing.T) {
	rep := passingReport()
	trigger := time.Unix(998, 0)
	rep.Stages = append(rep.Stages, report.Stage{Name: "trigger", Status: report.StatusOK, StartedAt: &trigger})
	// A later, counted delivery does not make the first one slower.
	rep.Deliveries = append(rep.Deliveries, report.Delivery{Seq: 2, Expected: true, ReceivedAt: time.Unix(1010, 0)})
	r := newResult(rep, time.Now())
	if !r.HasLatency || r.Latency != 2500*time.Millisecond {
		t.Fatalf("latency %v (has %v), want 2.5s from the trigger at 998 to the first arrival at 1000.5", r.Latency, r.HasLatency)
	}
	if r := newResult(passingReport(), time.Now()); r.HasLatency {
		t.Error("a latency without a trigger stage")
	}
}
