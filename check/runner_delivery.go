package check

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarms"
	"github.com/monhook/monhook/receiver"
	"github.com/monhook/monhook/scenarios"
)

// hintCheckTimeout bounds the API call that explains a missing delivery.
const hintCheckTimeout = 10 * time.Second

// deliveryState is what the delivery stage learned, for the report.
type deliveryState struct {
	seen       map[int]bool             // seqs already considered
	counted    map[int]int              // seq → 1-based expectation index
	findings   map[int][]report.Finding // our own findings per seq
	unexpected []receiver.Delivery      // ours, but not the transition awaited
	// consumerFailed are deliveries the --forward-to consumer did not
	// answer 2xx: not counted (Monasca got 502 and retries).
	consumerFailed []receiver.Delivery
	// verified are the alarm ids deliveries carried, as GET
	// /v2.0/alarms/{id} showed them.
	verified map[string]alarmCheck
}

// alarmCheck is what GET /v2.0/alarms/{id} said about a delivery's alarm.
type alarmCheck struct {
	state    string
	findings []report.Finding
}

func (x *run) awaitDeliveries(ctx context.Context) (string, error) {
	ds := &x.deliveries
	ds.seen, ds.counted, ds.findings = map[int]bool{}, map[int]int{}, map[int][]report.Finding{}
	ds.verified = map[string]alarmCheck{}
	var parts []string
	for i, e := range x.sc.Expect {
		exp := report.Expectation{Index: i + 1, State: e.State, OldState: e.OldState, Want: e.Want(),
			WithinMS: report.Millis(e.Within.Duration())}
		err := x.awaitExpectation(ctx, i, e, &exp)
		x.rep.Expectations = append(x.rep.Expectations, exp)
		if err != nil {
			// The later expectations were never awaited: list them unmet.
			for j, later := range x.sc.Expect[i+1:] {
				x.rep.Expectations = append(x.rep.Expectations, report.Expectation{Index: i + j + 2, State: later.State,
					OldState: later.OldState, Want: later.Want(), WithinMS: report.Millis(later.Within.Duration())})
			}
			return strings.Join(parts, "; "), err
		}
		parts = append(parts, fmt.Sprintf("%d× %s", exp.Got, transitionText(e.OldState, e.State)))
	}
	return strings.Join(parts, "; "), nil
}

// awaitExpectation counts deliveries of this run's definition with the
// expected transition until exp.Want arrived or e.Within passed.
func (x *run) awaitExpectation(ctx context.Context, i int, e scenarios.Expectation, exp *report.Expectation) error {
	ds := &x.deliveries
	if e.Within > 0 {
		// The first expectation's time runs from the trigger's start: a
		// delivery can come before the alarm poll, or this stage, begins.
		from := time.Now()
		if i == 0 && !x.since.IsZero() {
			from = x.since
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, from.Add(e.Within.Duration()))
		defer cancel()
	}
	ours := func(d receiver.Delivery) bool {
		return !ds.seen[d.Seq] && d.Notification != nil && d.Notification.AlarmDefinitionID == x.definitionID
	}
	for exp.Got < exp.Want {
		d, err := x.source().Await(ctx, ours)
		if err != nil {
			// A delivery that arrived in time counts even when it is
			// looked at only after the deadline.
			if lerr := x.considerArrivedInTime(ctx, i, e, exp, ours); lerr != nil {
				return lerr
			}
			if exp.Got >= exp.Want {
				break
			}
			return x.missingDelivery(ctx, e, exp, err)
		}
		if err := x.consider(ctx, i, e, exp, d); err != nil {
			return err
		}
	}
	exp.Met = true
	return nil
}

// considerArrivedInTime considers, once ctx's deadline passed, the
// deliveries that arrived before it but were not looked at yet.
func (x *run) considerArrivedInTime(ctx context.Context, i int, e scenarios.Expectation, exp *report.Expectation, ours func(receiver.Delivery) bool) error {
	deadline, ok := ctx.Deadline()
	if !ok || !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil
	}
	for _, d := range x.source().Deliveries() {
		if exp.Got >= exp.Want {
			return nil
		}
		if !ours(d) || d.ReceivedAt.After(deadline) {
			continue
		}
		if err := x.consider(ctx, i, e, exp, d); err != nil {
			return err
		}
	}
	return nil
}

// consider judges one delivery of this run's definition for expectation
// i: counted, set aside (another transition, a consumer that did not take
// it) or a failure (it departs from Monasca's notification).
func (x *run) consider(ctx context.Context, i int, e scenarios.Expectation, exp *report.Expectation, d receiver.Delivery) error {
	ds := &x.deliveries
	ds.seen[d.Seq] = true
	if !matchesExpectation(d.Notification, x.comparable(e)) {
		ds.unexpected = append(ds.unexpected, d)
		return nil
	}
	findings, err := x.payloadFindings(ctx, d)
	if err != nil {
		return err
	}
	ds.findings[d.Seq] = findings
	if len(d.Findings) > 0 || len(findings) > 0 {
		// Never counted: a body that is not Monasca's notification
		// about this run's alarm in this run's project proves nothing,
		// whoever sent it with the callback token.
		return failed(fmt.Sprintf("delivery #%d departs from Monasca's notification: %s", d.Seq, describeFindings(d, findings)),
			"the sender is not monasca-notification, or a proxy rewrote the body")
	}
	if x.forwardTo() != "" && !d.Forward.OK() {
		// The consumer did not take it; Monasca got 502 and retries,
		// and a retry the consumer takes counts.
		ds.consumerFailed = append(ds.consumerFailed, d)
		return nil
	}
	ds.counted[d.Seq] = i + 1
	exp.Got++
	return nil
}

func matchesExpectation(n *receiver.Notification, e scenarios.Expectation) bool {
	return n.State == e.State &&
		(e.OldState == "" || n.OldState == e.OldState) &&
		(e.MessageContains == "" || strings.Contains(n.Message, e.MessageContains))
}

// payloadFindings are the checks only this run can make: the notification
// is about our alarm, in our project. The alarm id is checked with GET
// /v2.0/alarms/{id}, which answers only for alarms of the caller's project:
// the alarm must exist there and belong to this run's definition. An API
// error is the run's (exit 3).
func (x *run) payloadFindings(ctx context.Context, d receiver.Delivery) ([]report.Finding, error) {
	n := d.Notification
	var out []report.Finding
	// A mail names no tenant: the address it reached is its scope.
	if x.target.ProjectID != "" && n.TenantID != x.target.ProjectID && x.Email == nil {
		out = append(out, report.Finding{Code: "wrong-tenant", Key: "tenant_id",
			Detail: fmt.Sprintf("tenant_id %q is not this run's project %q", n.TenantID, x.target.ProjectID)})
	}
	if n.AlarmName != x.definitionName {
		out = append(out, report.Finding{Code: "wrong-name", Key: "alarm_name",
			Detail: fmt.Sprintf("alarm_name %q is not the definition's name %q", n.AlarmName, x.definitionName)})
	}
	check, err := x.verifyAlarm(ctx, n.AlarmID)
	if err != nil {
		return nil, err
	}
	return append(out, check.findings...), nil
}

// verifyAlarm looks a delivery's alarm id up once per run.
func (x *run) verifyAlarm(ctx context.Context, id string) (alarmCheck, error) {
	ds := &x.deliveries
	if c, ok := ds.verified[id]; ok {
		return c, nil
	}
	var c alarmCheck
	// The delivery is in: checking it is not bound by the deadline it met
	// (only by an interrupt, and by the bound of the hints' calls).
	vctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hintCheckTimeout)
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			cancel()
		}
	})
	defer stop()
	state, findings, err := VerifyAlarm(vctx, x.target.Client, id, x.definitionID)
	if err != nil {
		return c, apiError(err, "verifying the delivery's alarm_id with GET /v2.0/alarms/"+id)
	}
	c.state, c.findings = state, findings
	if len(findings) == 0 {
		x.alarmID.setIfEmpty(id)
	}
	ds.verified[id] = c
	return c, nil
}

func describeFindings(d receiver.Delivery, ours []report.Finding) string {
	var parts []string
	for _, f := range d.Findings {
		parts = append(parts, f.Detail)
	}
	for _, f := range ours {
		parts = append(parts, f.Detail)
	}
	return strings.Join(parts, "; ")
}

// missingDelivery explains a delivery that did not come, from what the API
// and the receiver know.
func (x *run) missingDelivery(ctx context.Context, e scenarios.Expectation, exp *report.Expectation, err error) error {
	if !errors.Is(err, context.DeadlineExceeded) {
		return &stageError{class: classInterrupted, msg: "interrupted"}
	}
	msg := fmt.Sprintf("expected %d× %s within %s, got %d", exp.Want, transitionText(e.OldState, e.State), e.Within, exp.Got)
	var hints []string
	if failed := x.deliveries.consumerFailed; len(failed) > 0 {
		// Monasca delivered; the consumer is what failed. Name it first.
		msg = consumerFailure(x.forwardTo(), failed) + "; " + msg
		hints = append(hints, fmt.Sprintf("Monasca's deliveries reached monhook; %s did not take them: "+
			"check that it runs and answers 2xx on that exact URL", x.forwardTo()))
	}
	tlsRejected := false
	for _, te := range x.source().TLSErrors() {
		hints = append(hints, fmt.Sprintf("TLS handshake from %s failed (%s): the sender rejected our certificate; "+
			"monasca-notification verifies webhooks against its host's CA store and cannot skip verification", te.Remote, te.Error))
		tlsRejected = true
		break
	}
	state := x.currentAlarmState(ctx)
	switch {
	case state == "":
	case state == e.State && exp.Got == 0 && !tlsRejected && len(x.deliveries.consumerFailed) == 0 && x.Email == nil:
		// Nothing reached us at all, and not for a certificate: then the
		// network, or a notifier that is down.
		hints = append(hints, fmt.Sprintf("the API reports the alarm in %s, yet nothing arrived: monasca-notification "+
			"cannot reach %s (firewall, NAT: pass --callback-url with an address the notifier host can reach), "+
			"or monasca-notification is not running", state, x.rep.CallbackURL))
	case state != e.State:
		hints = append(hints, fmt.Sprintf("the API reports the alarm in %s, not %s: %s", state, e.State, x.evaluationHint()))
		hints = append(hints, x.clockSkewHints()...)
	}
	if exp.Got > 0 && exp.Got < exp.Want {
		hints = append(hints, "some arrived but not all: periodic re-sends come every 60 s and retries every 30 s (reference §7)")
	}
	for _, d := range x.deliveries.unexpected {
		hints = append(hints, fmt.Sprintf("received instead: %s (delivery #%d)", transitionText(d.Notification.OldState, d.Notification.State), d.Seq))
	}
	if n := len(x.source().Strays()); n > 0 {
		hints = append(hints, fmt.Sprintf("%d request(s) reached the receiver but not as this run's deliveries (see strays)", n))
	}
	hints = append(hints, x.mailHints(state, e, exp)...)
	return &stageError{class: classFailure, msg: msg, hints: hints}
}

func (x *run) currentAlarmState(ctx context.Context) string {
	id := x.alarmID.get()
	if id == "" || errors.Is(ctx.Err(), context.Canceled) {
		return ""
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hintCheckTimeout)
	defer cancel()
	a, err := alarms.Get(cctx, x.target.Client, id).Extract()
	if err != nil {
		return ""
	}
	return a.State
}

// collectDeliveries copies what the receiver saw into the report: this
// run's deliveries, and everything else as strays.
func (x *run) collectDeliveries() {
	ds := &x.deliveries
	for _, d := range x.source().Deliveries() {
		n := d.Notification
		if n != nil && n.AlarmDefinitionID != x.definitionID {
			x.rep.Strays = append(x.rep.Strays, report.Stray{ReceivedAt: d.ReceivedAt, Remote: d.Remote,
				Method: d.Method, Path: report.RedactPath(d.Path), Reason: "not-this-run", Status: d.Status})
			continue
		}
		rd := report.Delivery{Seq: d.Seq, ReceivedAt: d.ReceivedAt, ResponseStatus: d.Status,
			Expectation: ds.counted[d.Seq], Expected: ds.counted[d.Seq] > 0}
		if n != nil {
			rd.State, rd.OldState, rd.AlarmID, rd.AlarmDefinitionID, rd.Message = n.State, n.OldState, n.AlarmID, n.AlarmDefinitionID, n.Message
		}
		for _, f := range d.Findings {
			rd.Findings = append(rd.Findings, report.Finding{Code: f.Code, Key: f.Key, Detail: f.Detail})
		}
		rd.Findings = append(rd.Findings, ds.findings[d.Seq]...)
		if x.mail != nil {
			rd.Mail = x.mail.info[d.Seq]
		}
		if f := d.Forward; f != nil {
			rd.Consumer = &report.Consumer{URL: f.URL, Status: f.Status, LatencyMS: report.Millis(f.Latency), Body: f.Body, Error: f.Error}
		}
		x.rep.Deliveries = append(x.rep.Deliveries, rd)
	}
	for _, s := range x.source().Strays() {
		x.rep.Strays = append(x.rep.Strays, report.Stray{ReceivedAt: s.ReceivedAt, Remote: s.Remote,
			Method: s.Method, Path: s.Path, Reason: s.Reason, Status: s.Status})
	}
}

func transitionText(old, state string) string {
	if old == "" {
		old = "*"
	}
	return old + "→" + state
}
