package check

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	monitoring "github.com/monhook/monhook/openstack/monitoring/v2"
	"github.com/monhook/monhook/openstack/monitoring/v2/measurements"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
)

// agentWindow is how far back preflight looks for agent measurements.
const agentWindow = 10 * time.Minute

// Hints for the pitfalls of reference/monasca-api.md §9.
const (
	hintRole = "the user needs the monasca-user role in this project: Monasca answers 401 \"Forbidden\" " +
		"(not 403) when the token lacks it, and the admin role alone is not enough"
	hintWebhookType = "monasca-notification registers the notification types when it starts, from its enabled " +
		"plugins; enable the webhook plugin ([notification_types] enabled) and restart monasca-notification"
	hintOtherProject = "monasca-agent may be posting into another project (its own service project): " +
		"run the check as a user of that project, or use --scenario synthetic, which needs no agent"
)

func (x *run) auth(ctx context.Context) (string, error) {
	t, err := x.Connect(ctx)
	if err != nil {
		return "", cannotRun(err, "")
	}
	x.target = t
	x.rep.Endpoint = t.Client.ResourceBaseURL()
	x.rep.ProjectID = t.ProjectID
	return fmt.Sprintf("token for project %s; monitoring endpoint %s", t.ProjectID, x.rep.Endpoint), nil
}

func (x *run) preflight(ctx context.Context) (string, error) {
	c := x.target.Client
	pages, err := notificationmethods.ListTypes(c).AllPages(ctx)
	if err != nil {
		return "", apiError(err, "listing notification method types")
	}
	types, err := notificationmethods.ExtractTypes(pages)
	if err != nil {
		return "", cannotRun(err, "decoding notification method types")
	}
	if !slices.Contains(types, "WEBHOOK") {
		return "", cannotRun(nil, fmt.Sprintf("WEBHOOK is not a registered notification method type (have: %s)",
			strings.Join(types, ", ")), hintWebhookType)
	}
	if err := probeWrite(ctx, c); err != nil {
		return "", err
	}
	detail := "API reachable; write role ok; WEBHOOK registered"
	if x.sc.NeedsAgent() {
		host, err := x.pickHost(ctx)
		if err != nil {
			return "", err
		}
		detail += "; " + host
	}
	rendered, err := x.sc.Render(x.vars)
	if err != nil {
		return "", cannotRun(err, "rendering the scenario")
	}
	x.rendered = rendered
	return detail, nil
}

// probeWrite proves the token may write without creating anything
// (reference §2, "Order of checks").
func probeWrite(ctx context.Context, c *gophercloud.ServiceClient) error {
	if err := notificationmethods.ProbeCreate(ctx, c).ExtractErr(); err != nil {
		return apiError(err, "checking the write role")
	}
	return nil
}

// pickHost finds the hosts with recent agent measurements and settles the
// run's hostname: the one given, or the most recently reporting host.
func (x *run) pickHost(ctx context.Context) (string, error) {
	name := x.sc.Metric.Name
	opts := measurements.ListOpts{Name: name, StartTime: time.Now().Add(-agentWindow), GroupBy: "*"}
	if x.vars.Hostname != "" {
		opts.Dimensions = map[string]string{"hostname": x.vars.Hostname}
	}
	pages, err := measurements.List(x.target.Client, opts).AllPages(ctx)
	if err != nil {
		return "", apiError(err, "listing recent "+name+" measurements")
	}
	series, err := measurements.ExtractSeries(pages)
	if err != nil {
		return "", cannotRun(err, "decoding measurements")
	}
	latest := map[string]time.Time{}
	for _, s := range series {
		host := s.Dimensions["hostname"]
		if host == "" {
			continue
		}
		for _, m := range s.Measurements {
			if m.Timestamp.After(latest[host]) {
				latest[host] = m.Timestamp
			}
		}
	}
	if len(latest) == 0 {
		where := ""
		if x.vars.Hostname != "" {
			where = " from host " + x.vars.Hostname
		}
		return "", cannotRun(nil, fmt.Sprintf("no %s measurements%s in the last %s in project %s",
			name, where, agentWindow, x.target.ProjectID), hintOtherProject)
	}
	hosts := make([]string, 0, len(latest))
	for h := range latest {
		hosts = append(hosts, h)
	}
	// Most recent first; names break ties so the choice is reproducible.
	sort.Slice(hosts, func(i, j int) bool {
		if !latest[hosts[i]].Equal(latest[hosts[j]]) {
			return latest[hosts[i]].After(latest[hosts[j]])
		}
		return hosts[i] < hosts[j]
	})
	if x.vars.Hostname == "" {
		x.vars.Hostname = hosts[0]
	}
	age := time.Since(latest[x.vars.Hostname]).Round(time.Second)
	return fmt.Sprintf("%s from %d host(s); watching %s (last measurement %s ago)",
		name, len(hosts), x.vars.Hostname, max(age, 0)), nil
}

// apiError turns a Monasca error into a stage error naming what was being
// done and, for the known pitfalls, what to do.
func apiError(err error, doing string) error {
	if monitoring.IsForbiddenRole(err) {
		return cannotRun(nil, doing+": Monasca answered 401 Forbidden", hintRole)
	}
	if title, desc, ok := monitoring.ErrorBody(err); ok {
		msg := fmt.Sprintf("%s: Monasca answered %d %s", doing, monitoring.StatusCode(err), title)
		if desc != "" {
			msg += ": " + desc
		}
		var hints []string
		if strings.Contains(desc, "Not a valid notification method type") {
			hints = append(hints, hintWebhookType)
		}
		if strings.Contains(desc, "valid periods") || strings.Contains(desc, "period") {
			hints = append(hints, "this Monasca restricts notification periods ([notification] valid_notification_periods); "+
				"use a scenario with period 0")
		}
		return cannotRun(nil, msg, hints...)
	}
	return cannotRun(err, doing)
}
