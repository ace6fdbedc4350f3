package check

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/monhook/monhook/check/report"
)

// hintSkipCallbackTest is the way out when the callback URL leads to the
// receiver only from the notifier's network (a NAT that does not hairpin).
const hintSkipCallbackTest = "if the URL leads here only from monasca-notification's network (NAT without " +
	"hairpin, a tunnel), pass --skip-callback-test"

// selfTestCallback POSTs a probe to the callback URL Monasca is about to be
// given, token path included, before anything is created: a URL that
// leads elsewhere (wrong host or port, another service, a consumer on a
// fixed path) would otherwise cost a whole delivery budget and blame the
// network. It returns a line for the stage's detail.
func (x *run) selfTestCallback(ctx context.Context) (string, error) {
	if x.SkipCallbackTest {
		return "callback self-test skipped (--skip-callback-test): nothing proves the URL leads here", nil
	}
	res := x.recv.ProbeCallback(ctx, nil)
	if res.Reached {
		return fmt.Sprintf("callback self-test: a POST to it reached this receiver in %s", report.FormatDuration(res.Latency)), nil
	}
	url := x.rep.CallbackURL
	var msg string
	var hints []string
	switch {
	case res.Status != 0:
		what := fmt.Sprintf("answered %d %s", res.Status, http.StatusText(res.Status))
		if res.Server != "" {
			what += " (Server: " + res.Server + ")"
		}
		if b := strings.Join(strings.Fields(res.Body), " "); b != "" {
			what += ": " + b
		}
		msg = fmt.Sprintf("callback self-test: a POST to %s did not reach this run's receiver (listening on %s): something else %s",
			url, x.recv.Addr(), what)
		hints = append(hints, "another service listens at the callback URL (an existing consumer, a proxy): "+
			"--callback-url must lead to monhook's own receiver (--listen); to put your consumer in the verdict, "+
			"give it as --forward-to URL instead")
	default:
		msg = fmt.Sprintf("callback self-test: a POST to %s did not reach this run's receiver (listening on %s): %s",
			url, x.recv.Addr(), res.Error)
		hints = append(hints, "--callback-url must lead to the receiver's --listen address (for NAT: forward that port)")
	}
	hints = append(hints, hintSkipCallbackTest)
	return "", cannotRun(nil, msg, hints...)
}
