package serve

// This file is serve's only door to the check runner (check.Runner), the
// scenario catalogue, the report and the resource marker: when one of them
// moves or changes shape, this is the file to change; the rest of serve
// speaks in the names declared here.

import (
	"context"
	"sort"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/check"
	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/exitcode"
	"github.com/monhook/monhook/marker"
	"github.com/monhook/monhook/receiver"
	"github.com/monhook/monhook/scenarios"
)

type (
	// Conn is an authenticated Monasca endpoint and the project it acts in.
	Conn = check.Target
	// ConnectFunc authenticates (the check's auth stage).
	ConnectFunc = func(ctx context.Context) (Conn, error)
	// Report is one check's outcome (schema documented in scenarios/report).
	Report = report.Report
	// reportTarget is the report's target: a lab or not, at what speed.
	reportTarget = report.Target
	scenario     = scenarios.Scenario
	leftover     = marker.Resource
	// EmailOptions is the mailbox of type=email probes.
	EmailOptions = check.EmailOptions
)

// Notification types a probe checks (target key type, /probe?type=).
const (
	TypeWebhook = "webhook"
	TypeEmail   = "email"
)

// Report vocabulary used by the metrics.
const (
	verdictPass   = report.VerdictPass
	verdictError  = report.VerdictError
	statusOK      = report.StatusOK
	statusSkipped = report.StatusSkipped
	stageDelivery = scenarios.StageDelivery
	stageTrigger  = scenarios.StageTrigger
	runIDLength   = marker.RunIDLength
)

// exitCannotRun is the exit status of a probe that never ran.
var exitCannotRun = exitcode.Of(exitcode.CannotRun)

// lookupScenario returns a fresh copy of a built-in scenario.
func lookupScenario(name string) (*scenario, error) { return scenarios.Builtin(name) }

// loadScenarioFile reads a scenario file (check's --scenario-file).
func loadScenarioFile(path string) (*scenario, error) { return scenarios.LoadFile(path) }

// scenarioNames lists the built-ins, sorted, for error messages.
func scenarioNames() []string {
	var names []string
	for _, sc := range scenarios.Builtins() {
		names = append(names, sc.Name)
	}
	sort.Strings(names)
	return names
}

// scaleScenario compresses a scenario's timings for a target running speed×
// faster than real Monasca (the lab).
func scaleScenario(sc *scenario, speed float64) *scenario { return sc.Scaled(speed) }

// checkSpec is one probe's run.
type checkSpec struct {
	Scenario    *scenario
	Connect     ConnectFunc
	RunID       string
	Mux         *receiver.Mux // the process's one receiver
	CallbackURL string        // base URL Monasca calls; "" = route toward the API
	Hostname    string        // agent host to watch; "" = preflight picks
	ForwardTo   string        // the target's forward-to: its consumer joins the verdict
	Email       *EmailOptions // set: the EMAIL path, read from this mailbox
}

// probeHistory bounds what one probe's receiver keeps in memory: a probe
// expects a handful of deliveries, and a hundred targets must stay small.
const probeHistory = 64

// runCheck runs one check to completion (teardown included) and returns
// its report; it never fails, the report says how it went.
func runCheck(ctx context.Context, c checkSpec) *Report {
	r := &check.Runner{
		Scenario: c.Scenario,
		Connect:  c.Connect,
		RunID:    c.RunID,
		Hostname: c.Hostname,
		// serve has no --timeout: its deadline is the scrape timeout
		// (/probe) or the target's timeout.
		TimeoutName: "the probe's deadline: scrape timeout or serve.targets[].timeout",
		Receiver: receiver.Options{
			Mux:         c.Mux,
			CallbackURL: c.CallbackURL,
			History:     probeHistory,
			ForwardTo:   c.ForwardTo,
		},
		Email: c.Email,
		// The shared receiver's callback URL is checked once for the
		// process, not per probe: a probe's verdict stays Monasca's.
		SkipCallbackTest: true,
	}
	return r.Run(ctx)
}

// findLeftovers lists the resources a run of this instance created (package
// marker: its run ids start with the instance id) at least olderThan before
// now, definitions first; nothing else is ever swept.
func findLeftovers(ctx context.Context, c *gophercloud.ServiceClient, instance string, olderThan time.Duration, now time.Time) ([]leftover, error) {
	return marker.Find(ctx, c, marker.Filter{RunIDPrefix: instance, OlderThan: olderThan, Now: now})
}

// leakedResources are the resources a report says were not deleted, as
// the sweep knows them.
func leakedResources(rep *Report, runID string) []leftover {
	var out []leftover
	for _, l := range rep.Leaked {
		if !l.Deleted && l.ID != "" {
			out = append(out, leftover{Kind: l.Kind, ID: l.ID, Name: l.Name, Marker: marker.Marker{RunID: runID}})
		}
	}
	return out
}

// deleteResource deletes a leftover by kind (a 404 counts as deleted).
func deleteResource(ctx context.Context, c *gophercloud.ServiceClient, kind, id string) error {
	return marker.Delete(ctx, c, kind, id)
}

// writeReportJSON and writeReportTable render a report for /report and
// /probe?debug=true.
var (
	writeReportJSON  = report.WriteJSON
	writeReportTable = report.WriteTable
)

// seconds converts a report duration in milliseconds to seconds.
func seconds(ms float64) float64 { return ms / float64(time.Second/time.Millisecond) }
