package check

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/marker"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarmdefinitions"
	"github.com/monhook/monhook/openstack/monitoring/v2/features"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
	"github.com/monhook/monhook/receiver"
)

// roleDefinition names the alarm definition: monhook-<runid>-alarm.
const roleDefinition = "alarm"

func (x *run) startReceiver(ctx context.Context) (string, error) {
	if x.Email != nil {
		return x.openMailbox(ctx)
	}
	opts := x.Receiver
	if opts.RouteTo == "" {
		opts.RouteTo = endpointHost(x.target.Client)
	}
	opts.FailFirst = x.sc.Receiver.FailFirst
	opts.RespondStatus = x.sc.Receiver.RespondStatus
	opts.Delay = x.sc.Receiver.Delay.Duration()
	rv, err := receiver.New(opts)
	if err != nil {
		return "", cannotRun(err, "configuring the receiver")
	}
	if err := rv.Start(); err != nil {
		return "", cannotRun(err, "starting the receiver")
	}
	x.recv = rv
	x.rep.CallbackURL = RedactCallbackURL(rv.CallbackURL())
	x.rep.ForwardTo = x.forwardTo()
	detail := fmt.Sprintf("listening on %s; Monasca will call %s", rv.Addr(), x.rep.CallbackURL)
	if w := rv.Warnings(); len(w) > 0 {
		detail += "; warning: " + strings.Join(w, "; ")
	}
	selfTest, err := x.selfTestCallback(ctx)
	if err != nil {
		return detail, err
	}
	if x.forwardTo() != "" {
		detail += "; relaying each delivery to " + x.forwardTo()
	}
	return detail + "; " + selfTest, nil
}

// RedactCallbackURL hides the per-run token in the callback URL's last path
// segment (report.RedactURL; the report writers apply it again). The
// result is for people, not for requests.
func RedactCallbackURL(raw string) string {
	if u, ok := report.RedactURL(raw); ok {
		return u
	}
	return "(unparseable callback URL)"
}

func (x *run) createMethod(ctx context.Context) (string, error) {
	name, address := marker.MethodName(x.RunID, time.Now()), ""
	if x.Email != nil {
		name, address = marker.EmailMethodName(x.RunID, time.Now()), x.Email.To
	} else {
		address = x.recv.CallbackURL()
	}
	// With "period" only where the API has it (Newton on): Mitaka's
	// schema refuses the key (400 "extra keys not allowed") even for period 0.
	nm, err := features.CreateMethod(ctx, x.target.Client, &x.api, notificationmethods.CreateOpts{
		Name:    name,
		Type:    x.methodType(),
		Address: address,
	}, x.sc.Period)
	x.reportAPI()
	var missing *features.MissingError
	if errors.As(err, &missing) {
		return "", refused(err)
	}
	if err != nil {
		x.adoptIfCreated(ctx, report.KindNotificationMethod, name)
		if pe := x.periodRefused(err); pe != nil {
			return "", pe
		}
		return "", apiError(err, "creating the "+x.methodType()+" notification method")
	}
	x.methodID = nm.ID
	x.rep.Resources = append(x.rep.Resources, report.Resource{Kind: report.KindNotificationMethod, ID: nm.ID, Name: nm.Name})
	if !x.api.Has[features.Period] {
		return fmt.Sprintf("%s (%s, sent without period: the API has none)", nm.ID, nm.Name), nil
	}
	return fmt.Sprintf("%s (%s, period %d)", nm.ID, nm.Name, nm.Period), nil
}

func (x *run) createDefinition(ctx context.Context) (string, error) {
	x.definitionName = marker.ResourceName(x.RunID, roleDefinition)
	opts := alarmdefinitions.CreateOpts{
		Name:        x.definitionName,
		Description: marker.Description(x.RunID, time.Now()),
		Expression:  x.rendered.Expression,
		MatchBy:     x.rendered.MatchBy,
		Severity:    "LOW",
	}
	if x.sc.Actions.Alarm {
		opts.AlarmActions = []string{x.methodID}
	}
	if x.sc.Actions.OK {
		opts.OKActions = []string{x.methodID}
	}
	if x.sc.Actions.Undetermined {
		opts.UndeterminedActions = []string{x.methodID}
	}
	def, err := alarmdefinitions.Create(ctx, x.target.Client, opts).Extract()
	if err != nil {
		x.adoptIfCreated(ctx, report.KindAlarmDefinition, x.definitionName)
		return "", apiError(err, "creating the alarm definition")
	}
	x.definitionID = def.ID
	x.rep.Resources = append(x.rep.Resources, report.Resource{Kind: report.KindAlarmDefinition, ID: def.ID, Name: def.Name})
	detail := fmt.Sprintf("%s: %s", def.ID, def.Expression)
	if !def.ActionsEnabled {
		return detail, failed("the definition came back with actions_enabled=false: Monasca will send nothing")
	}
	return detail, nil
}

// adoptLookupTimeout bounds the lookup of a resource whose create was cut
// off; it runs after the run's context ended.
const adoptLookupTimeout = 10 * time.Second

// adoptIfCreated handles a create whose answer never came because the
// run's context ended (timeout, Ctrl-C) while the request was in flight:
// Monasca may have created the resource anyway. It is looked up by its
// run-unique name and recorded, so teardown deletes it rather than leave
// it behind unlisted.
func (x *run) adoptIfCreated(ctx context.Context, kind, name string) {
	if ctx.Err() == nil {
		return
	}
	base, abandon := context.WithCancelCause(context.WithoutCancel(ctx))
	defer abandon(nil)
	lctx, cancel := context.WithTimeout(base, adoptLookupTimeout)
	defer cancel()
	stop := x.cutShortOnAbandon(lctx, abandon)
	defer stop()
	c := x.target.Client
	switch kind {
	case report.KindNotificationMethod:
		pages, err := notificationmethods.List(c, notificationmethods.ListOpts{}).AllPages(lctx)
		if err != nil {
			return
		}
		ms, _ := notificationmethods.ExtractNotificationMethods(pages)
		for _, m := range ms {
			if m.Name == name {
				x.methodID = m.ID
				x.rep.Resources = append(x.rep.Resources, report.Resource{Kind: kind, ID: m.ID, Name: m.Name})
			}
		}
	case report.KindAlarmDefinition:
		pages, err := alarmdefinitions.List(c, alarmdefinitions.ListOpts{Name: name}).AllPages(lctx)
		if err != nil {
			return
		}
		ds, _ := alarmdefinitions.ExtractAlarmDefinitions(pages)
		for _, d := range ds {
			if d.Name == name {
				x.definitionID = d.ID
				x.rep.Resources = append(x.rep.Resources, report.Resource{Kind: kind, ID: d.ID, Name: d.Name})
			}
		}
	}
}
