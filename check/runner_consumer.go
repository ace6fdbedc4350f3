package check

import (
	"fmt"
	"strings"
	"time"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/output"
	"github.com/monhook/monhook/receiver"
)

// consumerStage records the --forward-to consumer's part of the verdict:
// every counted delivery was relayed to it with Monasca's bytes and
// headers and answered 2xx (the delivery stage counts no other). Its
// timing is the consumer's: from the first counted delivery's arrival,
// as long as its slowest answer took.
func (x *run) consumerStage(deliveryErr *stageError) {
	ds := &x.deliveries
	url := x.forwardTo()
	var counted []receiver.Delivery
	for _, d := range x.recv.Deliveries() {
		if ds.counted[d.Seq] > 0 {
			counted = append(counted, d)
		}
	}
	st := report.Stage{Name: StageConsumer, Status: report.StatusOK}
	var slowest time.Duration
	for _, d := range counted {
		slowest = max(slowest, d.Forward.Latency)
	}
	if len(counted) > 0 {
		started := counted[0].ReceivedAt
		st.StartedAt, st.DurationMS = &started, report.Millis(slowest)
	}
	failures := ""
	if n := len(ds.consumerFailed); n > 0 {
		failures = fmt.Sprintf("; %s not taken (Monasca was answered %d and retried): %s",
			output.Count(n, "relay was", "relays were"), ds.consumerFailed[n-1].Status, ds.consumerFailed[n-1].Forward.Problem())
	}
	switch {
	case deliveryErr == nil:
		st.Detail = fmt.Sprintf("%s answered %s to %s (slowest %s)%s", url, statuses(counted),
			output.Count(len(counted), "delivery", "deliveries"), report.FormatDuration(slowest), failures)
	case len(ds.consumerFailed) > 0:
		st.Status = report.StatusFailed
		st.Detail = consumerFailure(url, ds.consumerFailed)
	default:
		st.Status = report.StatusSkipped
		st.Detail = "skipped: no delivery to relay was counted" + failures
	}
	x.rep.Stages = append(x.rep.Stages, st)
}

// consumerFailure names the consumer and what happened to the last relay:
// refused, no answer in time, or its status and the start of its body.
func consumerFailure(url string, failed []receiver.Delivery) string {
	last := failed[len(failed)-1]
	return fmt.Sprintf("the consumer %s did not take %s: %s (Monasca was answered %d, so it retried)",
		url, output.Count(len(failed), "delivery", "deliveries"), last.Forward.Problem(), last.Status)
}

// statuses lists the distinct statuses the consumer answered, in order.
func statuses(ds []receiver.Delivery) string {
	var out []string
	seen := map[int]bool{}
	for _, d := range ds {
		if !seen[d.Forward.Status] {
			seen[d.Forward.Status] = true
			out = append(out, fmt.Sprint(d.Forward.Status))
		}
	}
	return strings.Join(out, ", ")
}
