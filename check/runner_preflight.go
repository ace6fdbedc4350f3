package check

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/monhook/monhook/check/report"
	monitoring "github.com/monhook/monhook/openstack/monitoring/v2"
	"github.com/monhook/monhook/openstack/monitoring/v2/features"
	"github.com/monhook/monhook/openstack/monitoring/v2/measurements"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
	"github.com/monhook/monhook/scenarios"
)

const (
	// agentPeriod is one agent collection interval (monasca-setup's default
	// check_frequency, 30 s; the agent's own default is 15 s): a host whose
	// latest measurement is this recent reports now.
	agentPeriod = 30 * time.Second
	// agentWindow is how far back preflight looks for agent measurements
	// when no host reported within agentPeriod: a few agent intervals.
	agentWindow = 2 * time.Minute
	// hostSample caps the measurement rows preflight reads.
	hostSample = 200
	// staleWindow is how far back preflight looks when agentWindow is empty.
	staleWindow = time.Hour
	// clockSkewTolerance is how far in the future a measurement may be
	// before preflight calls the agent's clock ahead.
	clockSkewTolerance = 10 * time.Second
	// agentLagTolerance is how old the newest measurement of a host may be
	// before its clock may run behind: agents report every 15-30 s.
	agentLagTolerance = time.Minute
)

// Hints for the pitfalls of reference/monasca-api.md §9.
const (
	// HintRole explains a 401 "Forbidden" from Monasca.
	HintRole = "the user needs the monasca-user role in this project: Monasca answers 401 (not 403) when the token " +
		"lacks it, \"Forbidden\" (the Java API: \"Tenant is missing a required role\"), and the admin role alone is not enough"
	hintWebhookType = "monasca-notification registers the notification types when it starts, from its enabled " +
		"plugins; enable the webhook plugin ([notification_types] enabled) and restart monasca-notification"
	hintOtherProject = "monasca-agent may be posting into another project (its own service project): " +
		"run the check as a user of that project, or use --scenario synthetic, which needs no agent"
	hintNotMonasca = "this URL does not serve Monasca's v2.0 API: give --monasca-api-url (MONASCA_API_URL) " +
		"as the API's root, e.g. https://monasca.example:8070/v2.0, or check the catalog's monitoring endpoint"
	hintClockBehind = "the agent stopped reporting, or its clock runs behind: monasca-thresh silently drops " +
		"measurements older than its window (clock skew); check NTP on the agent host"
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
	api, err := features.Detect(ctx, c)
	var notMonasca *features.NotMonascaError
	switch {
	case errors.As(err, &notMonasca):
		// The first calls to the endpoint: a 404 on the types and on the
		// methods means the URL does not lead to Monasca's v2.0 API.
		doing := "listing notification method types at " + c.ResourceBaseURL()
		msg, _, _ := DescribeAPIError(notMonasca.Err, doing)
		if msg == "" {
			msg = doing + ": 404"
		}
		return "", cannotRun(nil, msg+"; the notification methods list answered 404 too", hintNotMonasca)
	case err != nil:
		return "", apiError(err, "listing notification method types")
	}
	x.api = api
	x.reportAPI()
	if x.Email != nil && !slices.Contains(api.NotificationTypes, TypeEmail) {
		return "", cannotRun(nil, fmt.Sprintf("EMAIL is not a registered notification method type (have: %s)", strings.Join(api.NotificationTypes, ", ")),
			"monasca-notification registers EMAIL when its email plugin is enabled ([notification_types] enabled includes email); "+
				"ask the operator to enable it, or check the webhook path with --type webhook")
	}
	if x.Email == nil && !slices.Contains(api.NotificationTypes, "WEBHOOK") {
		return "", cannotRun(nil, fmt.Sprintf("WEBHOOK is not a registered notification method type (have: %s)",
			strings.Join(api.NotificationTypes, ", ")), hintWebhookType)
	}
	if err := x.probeWrite(ctx); err != nil {
		return "", err
	}
	x.reportAPI()
	if x.sc.Period != 0 {
		if err := x.api.Require(features.Period, fmt.Sprintf("scenario %s (period %d, re-sends)", x.sc.Name, x.sc.Period)); err != nil {
			return "", refused(err)
		}
	}
	detail := "API reachable; write role ok; " + x.methodType() + " registered"
	if !api.Has[features.Types] {
		var lacks []string
		for _, f := range api.Missing() {
			if f != features.Types {
				lacks = append(lacks, f)
			}
		}
		detail = fmt.Sprintf("API reachable (%s; no types endpoint: a pre-%s API, type check skipped, "+
			"its types are fixed: %s; no %s); write role ok",
			x.api.Flavor, features.AddedIn, strings.Join(features.FixedTypes, ", "), strings.Join(lacks, ", "))
	}
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
	note, err := x.adapt(&rendered)
	if err != nil {
		return "", err
	}
	if note != "" {
		detail += "; " + note
	}
	x.rendered = rendered
	return detail, nil
}

// reportAPI copies what was detected into the report.
func (x *run) reportAPI() {
	has := make(map[string]bool, len(x.api.Has))
	for f, v := range x.api.Has {
		has[f] = v
	}
	x.rep.Target.API = &report.API{Flavor: x.api.Flavor, Features: has}
}

// adapt fits the rendered scenario to the API's expression features,
// before anything is created: a scenario that needs a missing feature is
// refused (exit 2), naming the feature and the release that added it. The
// one adaptation: an api-state scenario's deterministic definition (there
// only so the alarm starts OK) becomes a plain one whose first evaluation
// (OK) the trigger waits for. It returns a note for the preflight detail.
func (x *run) adapt(r *scenarios.Rendered) (string, error) {
	need := "scenario " + x.sc.Name
	expr, err := scenarios.ParseExpression(r.Expression)
	if err != nil {
		return "", nil // Render checked it; Monasca will say the rest
	}
	deterministic := false
	for _, sub := range expr.Subs {
		if sub.Function == "last" {
			if err := x.api.Require(features.Last, need+" (last(...) in its expression)"); err != nil {
				return "", refused(err, "write a scenario file (--scenario-file) with min, max, avg, sum or count instead")
			}
		}
		deterministic = deterministic || sub.Deterministic
	}
	if !deterministic || x.api.Has[features.Deterministic] {
		return "", nil
	}
	if x.sc.Trigger.Kind != scenarios.TriggerAPIState {
		return "", refused(x.api.Require(features.Deterministic, need+" (deterministic in its expression)"))
	}
	r.Expression = scenarios.WithoutDeterministic(r.Expression)
	x.awaitEvaluation = true
	// The wait for the first evaluation (1-2.5 min after the alarm's first
	// measurement, reference §8) comes out of the trigger's budget: give it
	// three times the alarm stage's on top.
	sc := x.sc.Clone()
	if sc.Budgets == nil {
		sc.Budgets = map[string]scenarios.Duration{}
	}
	sc.Budgets[scenarios.StageTrigger] = scenarios.Duration(x.sc.Budget(scenarios.StageTrigger) + 3*x.sc.Budget(scenarios.StageAlarm))
	x.sc = sc
	return "no deterministic alarms (added in " + features.AddedIn + "): the alarm starts UNDETERMINED, " +
		"its state is set once the threshold engine made it OK", nil
}

// probeWrite proves the token may write without creating anything
// (reference §2, "Order of checks"); its answer's shape shows the API's
// flavor.
func (x *run) probeWrite(ctx context.Context) error {
	r := notificationmethods.ProbeCreate(ctx, x.target.Client)
	if err := r.ExtractErr(); err != nil {
		x.api.Observe(err)
		return apiError(err, "checking the write role")
	}
	if a, ok := r.Answer(); ok && a.Flavor != "" {
		x.api.Flavor = a.Flavor
	}
	return nil
}

// pickHost finds a host with recent agent measurements and settles the
// run's hostname: the one given, or a host that reports now. One request,
// at most hostSample rows, whatever the size of the cloud: GET
// /metrics/measurements with group_by=hostname and start_time one agent
// period back, first page only. monasca-api's InfluxDB repository returns
// each group's oldest rows (time ascending, limit+1 per group) and
// paginate_measurements fills the page group by group, so a page names the
// first hosts in group order, not the newest: with a window of a few
// periods, a big cloud's page may hold only hosts that stopped reporting a
// minute ago. With a window of one period every host on the page reported
// within it. Only when none did does a second, wider look (agentWindow)
// take the most recent host of its sample.
func (x *run) pickHost(ctx context.Context) (string, error) {
	name := x.sc.Metric.Name
	window := agentPeriod
	if x.vars.Hostname != "" {
		// One host: its whole recent history fits a page.
		window = agentWindow
	}
	opts := measurements.ListOpts{Name: name, StartTime: time.Now().Add(-window), GroupBy: "hostname", Limit: hostSample}
	if x.vars.Hostname != "" {
		opts.Dimensions = map[string]string{"hostname": x.vars.Hostname}
	}
	series, err := firstSeriesPage(ctx, x.target.Client, opts)
	if err != nil {
		return "", err
	}
	latest := latestByHost(series)
	if len(latest) == 0 && window < agentWindow {
		window = agentWindow
		opts.StartTime = time.Now().Add(-window)
		if series, err = firstSeriesPage(ctx, x.target.Client, opts); err != nil {
			return "", err
		}
		latest = latestByHost(series)
	}
	if len(latest) == 0 {
		return "", x.noRecentMeasurements(ctx, opts)
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
	x.hostLag = time.Since(latest[x.vars.Hostname])
	detail := fmt.Sprintf("%s from %d host(s) in a sample of the last %s; watching %s (newest measurement read %s old)",
		name, len(hosts), window, x.vars.Hostname, max(x.hostLag.Round(time.Second), 0))
	if x.hostLag < -clockSkewTolerance {
		detail = fmt.Sprintf("%s from %d host(s) in a sample of the last %s; watching %s (newest measurement %s in the future: clock skew?)",
			name, len(hosts), window, x.vars.Hostname, -x.hostLag.Round(time.Second))
	}
	return detail, nil
}

// latestByHost is each host's newest measurement time in series.
func latestByHost(series []measurements.Series) map[string]time.Time {
	latest := map[string]time.Time{}
	for _, s := range series {
		host := s.Dimensions["hostname"]
		for _, m := range s.Measurements {
			if host != "" && m.Timestamp.After(latest[host]) {
				latest[host] = m.Timestamp
			}
		}
	}
	return latest
}

// clockSkewHints name clock skew when the watched host's newest
// measurement, as preflight read it, was stamped outside what the
// expression's window accepts (in the future, or older than the window
// reaches back, and older than agents report).
func (x *run) clockSkewHints() []string {
	if !x.sc.NeedsAgent() || x.vars.Hostname == "" {
		return nil
	}
	behind, ahead, drop := x.skewWindow()
	const then = ", so the alarm cannot leave UNDETERMINED: check NTP on the agent host and here"
	switch {
	case -x.hostLag > max(ahead, clockSkewTolerance):
		return []string{fmt.Sprintf("clock skew: host %s timestamps its measurements %s ahead of this machine's clock; %s%s",
			x.vars.Hostname, -x.hostLag.Round(time.Second), drop, then)}
	case x.hostLag > max(behind, agentLagTolerance):
		return []string{fmt.Sprintf("clock skew: the newest measurement of host %s was %s old, its clock may run behind; %s%s",
			x.vars.Hostname, x.hostLag.Round(time.Second), drop, then)}
	}
	return nil
}

// firstSeriesPage reads one page of measurements: a sample, not the list.
func firstSeriesPage(ctx context.Context, c *gophercloud.ServiceClient, opts measurements.ListOpts) ([]measurements.Series, error) {
	var series []measurements.Series
	err := measurements.List(c, opts).EachPage(ctx, func(_ context.Context, p pagination.Page) (bool, error) {
		s, err := measurements.ExtractSeries(p)
		series = s
		return false, err
	})
	if err != nil {
		return nil, apiError(err, "listing recent "+opts.Name+" measurements")
	}
	return series, nil
}

// noRecentMeasurements is the preflight failure when no host reported in
// the window. A second bounded look over the last hour tells an agent that
// stopped, or whose clock runs behind, from one that never reported here.
func (x *run) noRecentMeasurements(ctx context.Context, recent measurements.ListOpts) error {
	where := ""
	if x.vars.Hostname != "" {
		where = " from host " + x.vars.Hostname
	}
	msg := fmt.Sprintf("no %s measurements%s in the last %s in project %s", recent.Name, where, agentWindow, x.target.ProjectID)
	older := recent
	older.StartTime, older.Limit = time.Now().Add(-staleWindow), 1
	if series, err := firstSeriesPage(ctx, x.target.Client, older); err == nil && len(series) > 0 {
		return cannotRun(nil, msg+fmt.Sprintf(", but some in the last %s", staleWindow), hintClockBehind)
	}
	if x.vars.Hostname != "" {
		// Other hosts may report here: then the host name is what is
		// wrong, not the project, and the operator needs the names.
		others := recent
		others.Dimensions = nil
		if hosts := hostsIn(ctx, x.target.Client, others); len(hosts) > 0 {
			return cannotRun(nil, msg, fmt.Sprintf("hosts reporting %s in this project: %s; check --hostname, or use --scenario synthetic, which needs no agent", recent.Name, strings.Join(hosts, ", ")))
		}
	}
	return cannotRun(nil, msg, hintOtherProject)
}

// hostsIn names the hosts in a first page of measurements grouped by
// hostname (a sample, sorted), or none when the query fails.
func hostsIn(ctx context.Context, c *gophercloud.ServiceClient, opts measurements.ListOpts) []string {
	series, err := firstSeriesPage(ctx, c, opts)
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var hosts []string
	for _, s := range series {
		if h := s.Dimensions["hostname"]; h != "" && !seen[h] && len(s.Measurements) > 0 {
			seen[h] = true
			hosts = append(hosts, h)
		}
	}
	sort.Strings(hosts)
	return hosts
}

// apiError turns a Monasca error into a stage error naming what was being
// done and, for the known pitfalls, what to do.
func apiError(err error, doing string) error {
	if msg, hints, ok := DescribeAPIError(err, doing); ok {
		return cannotRun(nil, msg, hints...)
	}
	return cannotRun(err, doing)
}

// DescribeAPIError turns a Monasca error answer into one line an operator
// can act on, with hints (a 401 "Forbidden" is a missing role, not a bad
// password). ok is false when err is not an answer from Monasca. cleanup
// uses it too, so both commands say the same.
func DescribeAPIError(err error, doing string) (msg string, hints []string, ok bool) {
	if monitoring.IsForbiddenRole(err) {
		return doing + ": Monasca answered " + monitoring.RoleRefusal(err), []string{HintRole}, true
	}
	title, desc, ok := monitoring.ErrorBody(err)
	if !ok {
		return "", nil, false
	}
	code := monitoring.StatusCode(err)
	// Falcon's default titles carry the status already ("404 Not Found").
	title = strings.TrimPrefix(title, strconv.Itoa(code)+" ")
	msg = fmt.Sprintf("%s: Monasca answered %d %s", doing, code, title)
	if desc != "" {
		msg += ": " + desc
	}
	if strings.Contains(desc, "Not a valid notification method type") {
		hints = append(hints, hintWebhookType)
	}
	if strings.Contains(desc, "valid periods") {
		hints = append(hints, "this Monasca restricts notification periods ([notification] valid_notification_periods); "+
			"use a scenario with period 0")
	}
	return msg, hints, true
}
