package check

import (
	"strings"
	"testing"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/receiver"
	"github.com/monhook/monhook/scenarios"
)

// provenRun is a run whose report holds every proof unproven asks for:
// all stages ok, two expectations met by three clean deliveries of the
// run's own definition. Each case below takes one proof away.
func provenRun(t *testing.T) *run {
	t.Helper()
	sc, err := scenarios.Builtin("ok-cycle")
	if err != nil {
		t.Fatal(err)
	}
	sc.Expect = []scenarios.Expectation{
		{State: scenarios.StateAlarm, Count: 2, Within: scenarios.Duration(60e9)},
		{State: scenarios.StateOK, Within: scenarios.Duration(60e9)},
	}
	rep := &report.Report{}
	for _, name := range scenarios.Stages() {
		rep.Stages = append(rep.Stages, report.Stage{Name: name, Status: report.StatusOK})
	}
	rep.Expectations = []report.Expectation{
		{Index: 1, State: scenarios.StateAlarm, Want: 2, Got: 2, Met: true},
		{Index: 2, State: scenarios.StateOK, Want: 1, Got: 1, Met: true},
	}
	for i, e := range []int{1, 1, 2} {
		rep.Deliveries = append(rep.Deliveries, report.Delivery{Seq: i + 1, AlarmDefinitionID: "d1", Expected: true, Expectation: e})
	}
	return &run{sc: sc, rep: rep, definitionID: "d1"}
}

func TestUnprovenAcceptsOnlyAFullProof(t *testing.T) {
	if why := provenRun(t).unproven(); why != "" {
		t.Fatalf("a full proof is unproven: %s", why)
	}
	cases := []struct {
		name    string
		breakIt func(x *run)
		want    string
	}{
		{"a skipped stage", func(x *run) { x.rep.Stages[5].Status = report.StatusSkipped }, "stage trigger is skipped"},
		{"a failed stage", func(x *run) { x.rep.Stages[6].Status = report.StatusFailed }, "stage alarm is failed"},
		{"a missing stage", func(x *run) { x.rep.Stages = x.rep.Stages[:7] }, "stage delivery did not run"},
		{"an expectation not awaited", func(x *run) { x.rep.Expectations = x.rep.Expectations[:1] }, "1 of 2 expectations"},
		{"an expectation not met", func(x *run) { x.rep.Expectations[1].Met = false }, "expectation 2 got 1 of 1"},
		{"an expectation short", func(x *run) { x.rep.Expectations[0].Got = 1 }, "expectation 1 got 1 of 2"},
		// The expectations claim 3, but only 2 deliveries are counted.
		{"fewer counted than wanted", func(x *run) { x.rep.Deliveries[1].Expected = false }, "2 deliveries counted, 3 expected"},
		{"another definition's delivery counted", func(x *run) { x.rep.Deliveries[2].AlarmDefinitionID = "d2" }, "delivery #3 was counted"},
		{"a counted delivery with findings", func(x *run) {
			x.rep.Deliveries[0].Findings = []report.Finding{{Code: "type", Detail: "x"}}
		}, "delivery #1 was counted"},
		{"no expectations", func(x *run) { x.sc.Expect = nil }, "expects no delivery"},
		{"a consumer without its stage", func(x *run) { x.Runner = &Runner{Receiver: receiver.Options{ForwardTo: "http://c/"}} }, "consumer did not take"},
		{"a counted delivery the consumer refused", func(x *run) {
			x.Runner = &Runner{Receiver: receiver.Options{ForwardTo: "http://c/"}}
			x.rep.Stages = append(x.rep.Stages, report.Stage{Name: StageConsumer, Status: report.StatusOK})
			for i := range x.rep.Deliveries {
				x.rep.Deliveries[i].Consumer = &report.Consumer{URL: "http://c/", Status: 200}
			}
			x.rep.Deliveries[1].Consumer.Status = 500
		}, "delivery #2 was counted but the consumer did not answer it 2xx"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := provenRun(t)
			c.breakIt(x)
			if why := x.unproven(); !strings.Contains(why, c.want) {
				t.Errorf("unproven() = %q, want it to say %q", why, c.want)
			}
		})
	}
	// Teardown is not part of the proof: a kept or failed teardown has
	// its own exit code.
	x := provenRun(t)
	x.rep.Stages[8].Status = report.StatusSkipped
	if why := x.unproven(); why != "" {
		t.Errorf("a skipped teardown made the run unproven: %s", why)
	}
}
