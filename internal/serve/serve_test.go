package serve

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/monhook/monhook/internal/lab"
)

// unreachableCallback is a callback base nothing listens on: Monasca's
// sends fail, as behind a firewall that blocks the callback port.
const unreachableCallback = "http://127.0.0.1:1"

func TestProbePassesWithProofAndLeavesNothing(t *testing.T) {
	l := startLab(t)
	s := startServer(t, l, Config{})
	a := get(t, probeURL(s, "synthetic"))
	if a.status != 200 || !strings.HasPrefix(a.contentType, "text/plain") {
		t.Fatalf("status %d, content type %q: %s", a.status, a.contentType, a.body)
	}
	mfs := parseMetrics(t, a.body)
	if v := mustValue(t, mfs, "monhook_probe_success"); v != 1 {
		t.Fatalf("monhook_probe_success = %v, want 1\n%s", v, a.body)
	}
	if v := mustValue(t, mfs, "monhook_deliveries", "result", "expected"); v != 1 {
		t.Errorf("expected deliveries = %v, want 1", v)
	}
	for _, st := range []string{"auth", "preflight", "receiver", "notification-method", "alarm-definition", "trigger", "alarm", "delivery", "teardown"} {
		if v := mustValue(t, mfs, "monhook_stage_success", "stage", st); v != 1 {
			t.Errorf("stage %s success = %v", st, v)
		}
		mustValue(t, mfs, "monhook_stage_duration_seconds", "stage", st)
	}
	if v := mustValue(t, mfs, "monhook_leaked_resources"); v != 0 {
		t.Errorf("leaked = %v", v)
	}
	if v := mustValue(t, mfs, "monhook_delivery_latency_seconds"); v < 0 || v > 5 {
		t.Errorf("delivery latency %vs is not what the lab's notifier took", v)
	}
	if mustValue(t, mfs, "monhook_probe_duration_seconds") <= 0 {
		t.Error("probe duration not positive")
	}
	if _, ok := sample(mfs, "monhook_probe_failed_stage"); ok {
		t.Error("a passing probe names a failed stage")
	}
	// blackbox_exporter's names, for alerting that already watches them.
	if v := mustValue(t, mfs, "probe_success"); v != 1 {
		t.Errorf("probe_success = %v, want 1 as monhook_probe_success", v)
	}
	if a, b := mustValue(t, mfs, "probe_duration_seconds"), mustValue(t, mfs, "monhook_probe_duration_seconds"); a != b {
		t.Errorf("probe_duration_seconds = %v, monhook_probe_duration_seconds = %v", a, b)
	}
	l.assertClean(t)

	exp := parseMetrics(t, get(t, s.URL()+"/metrics").body)
	if v := mustValue(t, exp, "monhook_probes_total", "scenario", "synthetic", "result", "success"); v != 1 {
		t.Errorf("monhook_probes_total{success} = %v, want 1", v)
	}
	for _, name := range []string{"monhook_probes_in_flight", "go_goroutines", "process_resident_memory_bytes"} {
		if _, ok := exp[name]; !ok {
			t.Errorf("/metrics lacks %s", name)
		}
	}
}

func TestEveryBuiltinScenarioProbesSuccessfully(t *testing.T) {
	l := startLab(t)
	s := startServer(t, l, Config{})
	for _, name := range scenarioNames() {
		t.Run(name, func(t *testing.T) {
			a := get(t, probeURL(s, name))
			mfs := parseMetrics(t, a.body)
			if v := mustValue(t, mfs, "monhook_probe_success"); v != 1 {
				t.Fatalf("%s: monhook_probe_success = %v\n%s", name, v, get(t, probeURL(s, name, "debug=true")).body)
			}
		})
	}
	l.assertClean(t)
}

func TestBlockedCallbackPortFailsAtTheDeliveryStage(t *testing.T) {
	l := startLab(t)
	s := startServer(t, l, Config{CallbackURL: unreachableCallback})
	a := get(t, probeURL(s, "synthetic"), scrapeTimeoutHeader, "10")
	if a.status != 200 {
		t.Fatalf("a failed probe must still answer 200, got %d", a.status)
	}
	mfs := parseMetrics(t, a.body)
	if v := mustValue(t, mfs, "monhook_probe_success"); v != 0 {
		t.Fatalf("monhook_probe_success = %v with no delivery possible", v)
	}
	if v := mustValue(t, mfs, "monhook_stage_success", "stage", "delivery"); v != 0 {
		t.Errorf("delivery stage success = %v, want 0 (the right reason)", v)
	}
	// The failed stage as a label, for the alert's summary.
	if mf := mfs["monhook_probe_failed_stage"]; mf == nil || len(mf.GetMetric()) != 1 || !hasLabels(mf.GetMetric()[0], "stage", "delivery") {
		t.Errorf("monhook_probe_failed_stage = %v, want one sample with stage=delivery", mf)
	}
	if v := mustValue(t, mfs, "monhook_stage_success", "stage", "alarm"); v != 1 {
		t.Errorf("alarm stage success = %v: the alarm did fire, only the delivery failed", v)
	}
	if v := mustValue(t, mfs, "monhook_stage_success", "stage", "teardown"); v != 1 {
		t.Errorf("teardown success = %v", v)
	}
	if _, ok := sample(mfs, "monhook_delivery_latency_seconds"); ok {
		t.Error("a latency without a delivery")
	}
	// serve has no --timeout flag: its messages name its own deadline.
	get(t, probeURL(s, "synthetic"), scrapeTimeoutHeader, "1.5")
	var js strings.Builder
	r := s.recent.newestFirst()[0]
	if err := writeReportJSON(&js, r.Report); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(js.String(), "--timeout") || !strings.Contains(r.Report.Error, "the probe's deadline") {
		t.Errorf("the report names a flag serve lacks, or not its deadline: %q\n%s", r.Report.Error, js.String())
	}
	l.assertClean(t)
	exp := parseMetrics(t, get(t, s.URL()+"/metrics").body)
	if v := mustValue(t, exp, "monhook_probes_total", "scenario", "synthetic", "result", "fail"); v != 2 {
		t.Errorf("monhook_probes_total{fail} = %v", v)
	}
}

func TestStoppedNotifierFailsAtTheDeliveryStage(t *testing.T) {
	l := startLabWith(t, lab.Options{NoNotifier: true})
	s := startServer(t, l, Config{})
	a := get(t, probeURL(s, "synthetic", "debug=true"), scrapeTimeoutHeader, "10")
	if a.status != 200 {
		t.Fatalf("status %d", a.status)
	}
	// The debug page shows the runner's own diagnosis, then the metrics; the
	// hints are wrapped to the table's width, so compare with spaces folded.
	folded := strings.Join(strings.Fields(a.body), " ")
	for _, want := range []string{"monhook_probe_success 0", `monhook_stage_success{stage="alarm"} 1`,
		`monhook_stage_success{stage="delivery"} 0`, "or monasca-notification is not running", `monhook_deliveries{result="stray"} 0`} {
		if !strings.Contains(folded, want) {
			t.Errorf("debug page lacks %q:\n%s", want, a.body)
		}
	}
	l.assertClean(t)
}

func TestBadProbeInputIs400WithAPlainTextReason(t *testing.T) {
	l := startLab(t)
	s := startServer(t, l, Config{})
	cases := []struct {
		url    string
		header []string
		reason string
	}{
		{s.URL() + "/probe", nil, "missing parameter scenario"},
		{probeURL(s, "nosuch"), nil, `unknown scenario "nosuch"`},
		{probeURL(s, "synthetic", "cloud=mars"), nil, `cloud "mars": no such cloud`},
		{probeURL(s, "synthetic"), []string{scrapeTimeoutHeader, "soon"}, "not a positive number of seconds"},
		{probeURL(s, "synthetic"), []string{scrapeTimeoutHeader, "0.2"}, "leaves no time"},
		{probeURL(s, "synthetic", "clod=lab"), nil, `unknown parameter "clod" (the parameters are scenario, module, cloud, target, hostname, type, debug)`},
		{probeURL(s, "synthetic", "hostname=compute-1"), nil, `hostname="compute-1": scenario synthetic posts its own metric and watches no agent host`},
		{probeURL(s, "cpu-idle", "hostname=a", "hostname=b"), nil, `parameters hostname="a" and hostname="b" disagree`},
		{probeURL(s, "synthetic", "module=api-state"), nil, `parameters module="api-state" and scenario="synthetic" disagree`},
		{probeURL(s, "synthetic", "debug=yes"), nil, `debug="yes": want true or false`},
		{s.URL() + "/probe?module=nosuch", nil, `unknown scenario "nosuch"`},
		{s.URL() + "/probe?module=synthetic&target=mars", nil, `cloud "mars": no such cloud`},
	}
	for _, c := range cases {
		a := get(t, c.url, c.header...)
		if a.status != 400 || !strings.HasPrefix(a.contentType, "text/plain") || !strings.Contains(a.body, c.reason) {
			t.Errorf("%s %v: %d %q %q, want 400 text/plain naming %q", c.url, c.header, a.status, a.contentType, a.body, c.reason)
		}
	}
	exp := parseMetrics(t, get(t, s.URL()+"/metrics").body)
	if mf := exp["monhook_probes_total"]; mf != nil && len(mf.GetMetric()) > 0 {
		t.Errorf("bad requests ran probes: %v", mf)
	}
	if v := mustValue(t, exp, "monhook_probe_bad_requests_total", "reason", "unknown-scenario"); v != 2 {
		t.Errorf("bad request counter = %v", v)
	}
	l.assertClean(t)
}

// hostname= picks the agent host an agent scenario watches, as a target's
// hostname key and check's --hostname do.
func TestProbeHostnameIsTheAgentHostWatched(t *testing.T) {
	l := startLab(t)
	s := startServer(t, l, Config{})
	a := get(t, probeURL(s, "cpu-idle", "hostname=lab-compute-2", "debug=true"))
	if folded := strings.Join(strings.Fields(a.body), " "); a.status != 200 || !strings.Contains(folded, "watching lab-compute-2") {
		t.Errorf("%d, want the preflight watching lab-compute-2:\n%s", a.status, a.body)
	}
	l.assertClean(t)
}

func TestScrapeTimeoutHeaderSetsTheDeadline(t *testing.T) {
	s := &Server{cfg: Config{ProbeTimeout: time.Minute, TimeoutOffset: 500 * time.Millisecond}}
	for _, c := range []struct {
		header string
		want   time.Duration
	}{{"", time.Minute}, {"10", 9500 * time.Millisecond}, {"300", time.Minute}, {"2.5", 2 * time.Second}} {
		req := mustRequest(t, c.header)
		got, err := s.probeTimeout(req)
		if err != nil || got != c.want {
			t.Errorf("header %q: %v, %v; want %v", c.header, got, err, c.want)
		}
	}
}

func TestConcurrentProbesOfOneTargetShareOneRun(t *testing.T) {
	l := startLab(t)
	s := startServer(t, l, Config{CallbackURL: unreachableCallback})
	var wg sync.WaitGroup
	answers := make([]answer, 2)
	wg.Add(1)
	go func() { defer wg.Done(); answers[0] = get(t, probeURL(s, "synthetic"), scrapeTimeoutHeader, "5") }()
	awaitMetric(t, s, "a probe in flight", func(m map[string]*dto.MetricFamily) bool {
		return mustValue(t, m, "monhook_probes_in_flight") == 1
	})
	answers[1] = get(t, probeURL(s, "synthetic"), scrapeTimeoutHeader, "5")
	wg.Wait()
	if answers[0].body != answers[1].body {
		t.Errorf("the joined request got another answer:\n%s\nvs\n%s", answers[0].body, answers[1].body)
	}
	exp := parseMetrics(t, get(t, s.URL()+"/metrics").body)
	if v := sumValues(exp, "monhook_probes_total", "scenario", "synthetic"); v != 1 {
		t.Errorf("monhook_probes_total = %v: two requests for one target must make one run", v)
	}
	l.assertClean(t)
}

// Two clouds probed for the same scenario at the same time are two runs
// with two results: the single-flight key includes the cloud.
func TestConcurrentProbesOfTwoCloudsAreTwoRuns(t *testing.T) {
	l := startLab(t)
	// Two clouds.yaml names for one lab: distinct clouds to serve, so the
	// test needs nothing but the lab to tell shared runs from separate ones.
	resolve := func(cloud string) (ConnectFunc, error) {
		if cloud != "east" && cloud != "west" {
			return nil, errors.New("no such cloud in clouds.yaml")
		}
		return l.connect, nil
	}
	s, err := New(Options{Config: Config{Listen: "127.0.0.1:0", ReceiverListen: "127.0.0.1:0", Speed: labSpeed,
		CallbackURL: unreachableCallback}, Resolve: resolve})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	var wg sync.WaitGroup
	for _, cloud := range []string{"east", "west"} {
		wg.Add(1)
		go func() { defer wg.Done(); get(t, probeURL(s, "synthetic", "cloud="+cloud), scrapeTimeoutHeader, "5") }()
	}
	awaitMetric(t, s, "two probes in flight, one per cloud", func(m map[string]*dto.MetricFamily) bool {
		return mustValue(t, m, "monhook_probes_in_flight") == 2
	})
	wg.Wait()
	exp := parseMetrics(t, get(t, s.URL()+"/metrics").body)
	if v := sumValues(exp, "monhook_probes_total", "scenario", "synthetic"); v != 2 {
		t.Errorf("monhook_probes_total = %v: two clouds must make two runs", v)
	}
	var clouds []string
	for _, r := range s.recent.newestFirst() {
		clouds = append(clouds, r.Cloud)
	}
	sort.Strings(clouds)
	if strings.Join(clouds, ",") != "east,west" {
		t.Errorf("recent results are of clouds %v, want east and west", clouds)
	}
	l.assertClean(t)
}

func TestConcurrencyCapHoldsProbesBack(t *testing.T) {
	l := startLab(t)
	s := startServer(t, l, Config{CallbackURL: unreachableCallback, MaxConcurrent: 1})
	done := make(chan answer, 1)
	go func() { done <- get(t, probeURL(s, "synthetic"), scrapeTimeoutHeader, "20") }()
	awaitMetric(t, s, "a probe in flight", func(m map[string]*dto.MetricFamily) bool {
		return mustValue(t, m, "monhook_probes_in_flight") == 1
	})
	// Another target, while the only slot is taken: it never runs, and
	// says so instead of claiming anything.
	a := get(t, probeURL(s, "api-state"), scrapeTimeoutHeader, "1")
	mfs := parseMetrics(t, a.body)
	if a.status != 200 || mustValue(t, mfs, "monhook_probe_success") != 0 {
		t.Fatalf("held-back probe: %d\n%s", a.status, a.body)
	}
	if v := mustValue(t, mfs, "monhook_probe_exit_code"); v != 3 {
		t.Errorf("held-back probe exit code %v, want 3 (could not run)", v)
	}
	<-done
	exp := parseMetrics(t, get(t, s.URL()+"/metrics").body)
	if _, ran := sample(exp, "monhook_probes_total", "scenario", "api-state"); ran {
		t.Error("the held-back probe ran anyway")
	}
	l.assertClean(t)
}

func TestScheduledTargetsShowTheirLastResultWithTimestamps(t *testing.T) {
	l := startLab(t)
	s := startServer(t, l, Config{Targets: []Target{
		{Name: "lab-synthetic", Cloud: "lab", Scenario: "synthetic", Interval: time.Second},
		{Cloud: "lab", Scenario: "api-state", Interval: 2 * time.Second},
	}})
	mfs := awaitMetric(t, s, "both targets probed twice", func(m map[string]*dto.MetricFamily) bool {
		a, okA := sample(m, "monhook_probes_total", "scenario", "synthetic", "result", "success")
		b, okB := sample(m, "monhook_probes_total", "scenario", "api-state", "result", "success")
		return okA && okB && value(a) >= 2 && value(b) >= 2
	})
	before := time.Now()
	for _, target := range []string{"lab-synthetic", "lab/api-state"} {
		m, ok := sample(mfs, "monhook_probe_success", "target", target)
		if !ok || value(m) != 1 {
			t.Fatalf("target %s: monhook_probe_success %v (present %v)", target, m, ok)
		}
		if m.TimestampMs == nil || time.UnixMilli(m.GetTimestampMs()).After(before) {
			t.Errorf("target %s: the last result carries no finish timestamp: %v", target, m)
		}
		for _, name := range []string{"monhook_target_last_probe_timestamp_seconds", "monhook_target_interval_seconds", "monhook_delivery_latency_seconds"} {
			mustValue(t, mfs, name, "target", target)
		}
		mustValue(t, mfs, "monhook_stage_success", "target", target, "stage", "delivery")
	}
	idx := get(t, s.URL()+"/")
	if idx.status != 200 || !strings.Contains(idx.body, "lab-synthetic") || !strings.Contains(idx.body, `report?target=lab-synthetic`) {
		t.Errorf("index page lacks the target or its report link:\n%s", idx.body)
	}
	rep := get(t, s.URL()+"/report?target=lab-synthetic")
	if rep.status != 200 || !strings.Contains(rep.body, `"verdict": "pass"`) {
		t.Errorf("report: %d %s", rep.status, rep.body)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	l.assertClean(t)
}

func TestShutdownDrainsCancelsAndTearsDown(t *testing.T) {
	l := startLab(t)
	s := startServer(t, l, Config{CallbackURL: unreachableCallback, DrainTimeout: 50 * time.Millisecond})
	done := make(chan answer, 1)
	go func() { done <- get(t, probeURL(s, "synthetic"), scrapeTimeoutHeader, "60") }()
	awaitMetric(t, s, "a probe in flight", func(m map[string]*dto.MetricFamily) bool {
		return mustValue(t, m, "monhook_probes_in_flight") == 1
	})
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	a := <-done
	mfs := parseMetrics(t, a.body)
	if mustValue(t, mfs, "monhook_probe_success") != 0 || mustValue(t, mfs, "monhook_probe_exit_code") != 130 {
		t.Errorf("a probe cancelled by the drain must report interrupted, got\n%s", a.body)
	}
	if mustValue(t, mfs, "monhook_stage_success", "stage", "teardown") != 1 {
		t.Error("the cancelled probe did not tear down")
	}
	l.assertClean(t)
}

func TestHealthz(t *testing.T) {
	l := startLab(t)
	s := startServer(t, l, Config{})
	if a := get(t, s.URL()+"/healthz"); a.status != 200 || strings.TrimSpace(a.body) != "ok" {
		t.Fatalf("healthz: %d %q", a.status, a.body)
	}
}

func TestAProbeThatCouldNotRunDropsTheSessionAndTheNextOneRecovers(t *testing.T) {
	l := startLab(t)
	good, err := l.connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// A session whose Monasca endpoint has gone away (a catalog change, a
	// moved API): every probe on it would fail for ever.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	stale := *good.Client
	stale.Endpoint, stale.ResourceBase = dead.URL+"/", dead.URL+"/monitoring/v2.0/"
	sessions := []Conn{{Client: &stale, ProjectID: good.ProjectID}, good}
	n := 0
	resolve := func(string) (ConnectFunc, error) {
		return func(context.Context) (Conn, error) { c := sessions[min(n, 1)]; n++; return c, nil }, nil
	}
	s, err := New(Options{Config: Config{Listen: "127.0.0.1:0", ReceiverListen: "127.0.0.1:0", Speed: labSpeed, ProbeMinInterval: -1}, Resolve: resolve})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	first := parseMetrics(t, get(t, probeURL(s, "synthetic")).body)
	if mustValue(t, first, "monhook_probe_success") != 0 || mustValue(t, first, "monhook_probe_exit_code") != 3 {
		t.Fatal("a probe against a dead endpoint did not report could-not-run")
	}
	second := parseMetrics(t, get(t, probeURL(s, "synthetic")).body)
	if mustValue(t, second, "monhook_probe_success") != 1 || n != 2 {
		t.Fatalf("the next probe did not authenticate afresh (%d sessions made) or failed", n)
	}
	l.assertClean(t)
}

func TestTheCheckEndsBeforeTheDeadlineToLeaveTimeForTeardown(t *testing.T) {
	for _, c := range []struct{ left, want time.Duration }{
		{10 * time.Second, 2 * time.Second}, {2 * time.Minute, 5 * time.Second}, {time.Second, 200 * time.Millisecond},
	} {
		if got := teardownReserve(c.left); got != c.want {
			t.Errorf("reserve with %s left = %s, want %s", c.left, got, c.want)
		}
	}
	now := time.Now()
	ctx, cancel := context.WithDeadline(context.Background(), now.Add(10*time.Second))
	defer cancel()
	rctx, rcancel := withTeardownReserve(ctx, now)
	defer rcancel()
	if dl, _ := rctx.Deadline(); !dl.Equal(now.Add(8 * time.Second)) {
		t.Errorf("the check's deadline is %s after now, want 8s", dl.Sub(now))
	}
}

// Without --speed, a probe of a monhook lab runs at the lab's own speed
// (as check discovers it) and the report says so.
func TestProbeRunsAtTheLabsOwnSpeed(t *testing.T) {
	l := startLab(t)
	s, err := New(Options{Config: Config{Listen: "127.0.0.1:0", ReceiverListen: "127.0.0.1:0", NoSweep: true},
		Resolve: l.resolve, LabSpeed: func(string) float64 { return labSpeed }})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	a := get(t, probeURL(s, "synthetic"), scrapeTimeoutHeader, "20")
	if v := mustValue(t, parseMetrics(t, a.body), "monhook_probe_success"); v != 1 {
		t.Fatalf("probe at the lab's speed: success %v", v)
	}
	r := s.recent.newestFirst()[0]
	if !r.Report.Target.Lab || r.Report.Target.Speed != labSpeed {
		t.Errorf("report target %+v, want lab at speed %d", r.Report.Target, labSpeed)
	}
}

// A scrape storm cannot multiply Monasca API calls: a /probe right after a
// finished run of the same cloud and scenario gets its result.
func TestAScrapeStormRunsOneProbe(t *testing.T) {
	l := startLab(t)
	s := startServer(t, l, Config{ProbeMinInterval: time.Minute})
	<-s.SweepDone()
	first := get(t, probeURL(s, "synthetic"))
	calls := l.calls.monasca()
	for range 10 {
		if a := get(t, probeURL(s, "synthetic")); a.body != first.body {
			t.Fatalf("a scrape right after the run got another answer:\n%s\nvs\n%s", a.body, first.body)
		}
	}
	if n := l.calls.monasca() - calls; n != 0 {
		t.Errorf("ten scrapes after the run made %d Monasca API calls, want 0", n)
	}
	exp := parseMetrics(t, get(t, s.URL()+"/metrics").body)
	if v := sumValues(exp, "monhook_probes_total"); v != 1 {
		t.Errorf("monhook_probes_total = %v, want 1", v)
	}
	// Another scenario is another run.
	if a := get(t, probeURL(s, "api-state")); mustValue(t, parseMetrics(t, a.body), "monhook_probe_success") != 1 {
		t.Errorf("another scenario did not run")
	}
	l.assertClean(t)
}
