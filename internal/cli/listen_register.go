package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/monhook/monhook/check"
	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/exitcode"
	"github.com/monhook/monhook/openstack"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarms"
	"github.com/monhook/monhook/openstack/monitoring/v2/features"
	"github.com/monhook/monhook/output"
	"github.com/monhook/monhook/receiver"
	"github.com/monhook/monhook/register"
)

// unregisterTimeout bounds the clean-up after the listener was told to stop
// (its own context is cancelled by then).
const unregisterTimeout = 30 * time.Second

func registerListener(ctx context.Context, o *listenOptions, s *openstack.Session, callback string, p *deliveryPrinter) (*register.Registration, error) {
	reg, err := register.Register(ctx, s.Monitoring, register.Options{
		Address: callback, Period: o.RegisterPeriod, Definition: o.Attach, On: o.AttachOn,
	})
	if errors.Is(err, register.ErrNoDefinition) {
		return nil, usageErrorf("--attach: %v", err)
	}
	var missing *features.MissingError
	if errors.As(err, &missing) {
		// Found before anything was created: --register-period asks for
		// what this API lacks.
		return nil, usageErrorf("--register-period %d: %v", o.RegisterPeriod, err)
	}
	if err != nil {
		// Explain turns a read-only user's 401 "Forbidden" into the
		// monasca-user role hint check and cleanup give, instead of
		// gophercloud's "Unable to re-authenticate: Expected HTTP response…".
		return nil, cannotRun(fmt.Errorf("--register: %w", s.Explain(err)))
	}
	if missing := reg.API.Missing(); len(missing) > 0 {
		p.status("the Monasca API (%s) lacks %s (added in %s): the method was created without period",
			reg.API.Flavor, strings.Join(missing, ", "), features.AddedIn)
	}
	p.status("registered notification method %s (%s), WEBHOOK to the URL below", reg.MethodID, reg.MethodName)
	if reg.DefinitionID != "" {
		p.status("attached to alarm definition %q (%s) for %s", reg.DefinitionName, reg.DefinitionID, strings.Join(o.AttachOn, ", "))
	}
	return reg, nil
}

func unregisterListener(reg *register.Registration, p *deliveryPrinter) error {
	ctx, cancel := context.WithTimeout(context.Background(), unregisterTimeout)
	defer cancel()
	if err := reg.Undo(ctx); err != nil {
		p.status("warning: could not remove everything; run `monhook cleanup`: %v", err)
		return &ExitError{Code: exitcode.Compute(exitcode.Pass, true), Err: err}
	}
	what := "notification method " + reg.MethodID
	if reg.DefinitionID != "" {
		what += " and restored " + reg.DefinitionName + "'s actions"
	}
	p.status("removed %s", what)
	return nil
}

// endpointHostOf is host[:port] of the Monasca endpoint.
func endpointHostOf(s *openstack.Session) string {
	u, err := url.Parse(s.Monitoring.ResourceBaseURL())
	if err != nil {
		return ""
	}
	return u.Host
}

// awaitExpected is the verdict of `listen --register --attach DEF --expect
// N`: nil once N deliveries of the attached definition arrived, each
// about an alarm of that definition in the caller's project (GET
// /v2.0/alarms/{id}, as check verifies its deliveries) and, with
// --forward-to, answered 2xx by the consumer; exit 1 when --timeout passed
// first. Deliveries count from registration on.
func awaitExpected(ctx context.Context, o *listenOptions, s *openstack.Session, r *receiver.Receiver, reg *register.Registration, p *deliveryPrinter) error {
	start := time.Now()
	wctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	verified := map[string][]report.Finding{} // alarm id → why it is not the definition's
	seen := map[int]bool{}
	got := 0
	var consumerFailed []receiver.Delivery
	for got < o.Expect {
		d, err := r.Await(wctx, func(d receiver.Delivery) bool {
			return !seen[d.Seq] && d.Notification != nil && d.Notification.AlarmDefinitionID == reg.DefinitionID
		})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err() // interrupted: exit 130
			}
			msg := fmt.Sprintf("expected %s of alarm definition %q within %s (--timeout), got %d",
				output.Count(o.Expect, "delivery", "deliveries"), reg.DefinitionName, o.Timeout, got)
			if n := len(consumerFailed); n > 0 {
				last := consumerFailed[n-1]
				msg += fmt.Sprintf("; the consumer %s did not take %s: %s", o.ForwardTo,
					output.Count(n, "delivery", "deliveries"), last.Forward.Problem())
			}
			return &ExitError{Code: exitcode.Of(exitcode.Fail), Err: errors.New(msg)}
		}
		seen[d.Seq] = true
		var alarmFindings []report.Finding
		if len(d.Findings) == 0 {
			if alarmFindings, err = verifyDeliveryAlarm(ctx, s, reg, d, verified); err != nil {
				return err
			}
		}
		switch {
		case len(d.Findings) > 0:
			p.status("not counted: delivery #%d departs from Monasca's notification", d.Seq)
		case len(alarmFindings) > 0:
			p.status("not counted: delivery #%d: %s", d.Seq, alarmFindings[0].Detail)
		case o.ForwardTo != "" && !d.Forward.OK():
			consumerFailed = append(consumerFailed, d)
			p.status("not counted: delivery #%d was not taken by %s: %s", d.Seq, o.ForwardTo, d.Forward.Problem())
		default:
			got++
		}
	}
	p.status("expectation met: %s of alarm definition %q in %s", output.Count(got, "delivery", "deliveries"),
		reg.DefinitionName, report.FormatDuration(time.Since(start)))
	return nil
}

// verifyDeliveryAlarm looks a delivery's alarm id up once (check's
// VerifyAlarm): the delivery arrived in time, so its check is bound by an
// interrupt and its own timeout, not by --timeout. An API error is exit 3.
func verifyDeliveryAlarm(ctx context.Context, s *openstack.Session, reg *register.Registration, d receiver.Delivery, verified map[string][]report.Finding) ([]report.Finding, error) {
	id := d.Notification.AlarmID
	if f, ok := verified[id]; ok {
		return f, nil
	}
	vctx, cancel := context.WithTimeout(ctx, alarmVerifyTimeout)
	defer cancel()
	_, findings, err := check.VerifyAlarm(vctx, s.Monitoring, id, reg.DefinitionID)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err() // interrupted: exit 130
		}
		return nil, cannotRun(fmt.Errorf("verifying delivery #%d's alarm_id with GET /v2.0/alarms/%s: %w", d.Seq, id, s.Explain(err)))
	}
	verified[id] = findings
	return findings, nil
}

// alarmVerifyTimeout bounds one GET /v2.0/alarms/{id} of a delivery.
const alarmVerifyTimeout = 10 * time.Second

// warnAlreadyFiring says when the attached definition's alarms already sit
// in a state whose actions got the method: Monasca notifies on transitions
// only, so nothing arrives until one leaves that state and comes back.
func warnAlreadyFiring(ctx context.Context, s *openstack.Session, reg *register.Registration, on []string, p *deliveryPrinter) {
	pages, err := alarms.List(s.Monitoring, alarms.ListOpts{AlarmDefinitionID: reg.DefinitionID}).AllPages(ctx)
	if err != nil {
		return
	}
	list, err := alarms.ExtractAlarms(pages)
	if err != nil {
		return
	}
	if len(list) == 0 {
		p.status("note: alarm definition %q has no alarms yet; the threshold engine creates them from new measurements", reg.DefinitionName)
		return
	}
	byState := map[string]int{}
	for _, a := range list {
		byState[a.State]++
	}
	for _, st := range on {
		state := strings.ToUpper(st)
		n := byState[state]
		if n == 0 {
			continue
		}
		p.status("warning: alarm definition %q has %s already in %s (of %d): Monasca notifies on transitions only, "+
			"so nothing will arrive until one leaves %s and comes back", reg.DefinitionName, output.Count(n, "alarm", "alarms"), state, len(list), state)
	}
}
