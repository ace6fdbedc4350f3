package check

import (
	"fmt"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/output"
	"github.com/monhook/monhook/scenarios"
)

// unproven says why a run in which no stage failed still may not pass, or
// "" when it may. A pass is a claim that Monasca delivered: every stage up
// to delivery ran and ended ok, the scenario expected at least one
// delivery, every expectation was met, and the deliveries counted toward
// them are this run's, without findings. The stages enforce each of these
// on their own; this is the one place that checks them together, so no
// path (a skipped stage, an empty expect list, a stray slipping into the
// count) can reach PASS without its proof.
func (x *run) unproven() string {
	for _, name := range scenarios.Stages() {
		if name == scenarios.StageTeardown {
			continue
		}
		st, ok := x.stageStatus(name)
		switch {
		case !ok:
			return fmt.Sprintf("stage %s did not run", name)
		case st != report.StatusOK:
			return fmt.Sprintf("stage %s is %s", name, st)
		}
	}
	if x.relaying() {
		if st, ok := x.stageStatus(StageConsumer); !ok || st != report.StatusOK {
			return "the --forward-to consumer did not take every counted delivery"
		}
	}
	if len(x.sc.Expect) == 0 {
		return "the scenario expects no delivery"
	}
	if len(x.rep.Expectations) != len(x.sc.Expect) {
		return fmt.Sprintf("%d of %d expectations were awaited", len(x.rep.Expectations), len(x.sc.Expect))
	}
	want := 0
	for _, e := range x.rep.Expectations {
		if !e.Met || e.Got < e.Want {
			return fmt.Sprintf("expectation %d got %d of %d", e.Index, e.Got, e.Want)
		}
		want += e.Want
	}
	counted := 0
	for _, d := range x.rep.Deliveries {
		if !d.Expected {
			continue
		}
		if d.AlarmDefinitionID != x.definitionID || len(d.Findings) > 0 {
			return fmt.Sprintf("delivery #%d was counted but is not a clean delivery of this run's definition", d.Seq)
		}
		if x.relaying() && (d.Consumer == nil || d.Consumer.Error != "" || d.Consumer.Status < 200 || d.Consumer.Status > 299) {
			return fmt.Sprintf("delivery #%d was counted but the consumer did not answer it 2xx", d.Seq)
		}
		counted++
	}
	if counted < want {
		return fmt.Sprintf("%s counted, %d expected", output.Count(counted, "delivery", "deliveries"), want)
	}
	return ""
}

func (x *run) stageStatus(name string) (string, bool) {
	for _, s := range x.rep.Stages {
		if s.Name == name {
			return s.Status, true
		}
	}
	return "", false
}

// relaying reports whether the run relays its deliveries to a consumer
// (--forward-to), whose 2xx the proof then needs.
func (x *run) relaying() bool { return x.Runner != nil && x.forwardTo() != "" }

// forwardTo is the consumer the deliveries are relayed to, "" for none. The
// EMAIL path runs no webhook receiver (Runner.Email: Receiver is then
// unused), so it relays nothing whatever Receiver.ForwardTo says.
func (x *run) forwardTo() string {
	if x.Email != nil {
		return ""
	}
	return x.Receiver.ForwardTo
}
