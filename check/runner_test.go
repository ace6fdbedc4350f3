package check_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/monhook/monhook/check"
	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/labtest"
	"github.com/monhook/monhook/openstack"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarmdefinitions"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
	"github.com/monhook/monhook/receiver"
	"github.com/monhook/monhook/scenarios"
)

// labSpeed compresses Monasca's timings so every built-in runs in seconds.
const labSpeed = 60

func startLab(t *testing.T) *lab.Lab { return startLabB(t) }

func startLabB(t testing.TB) *lab.Lab { return labtest.Start(t, lab.Options{Speed: labSpeed}) }

// connectAs authenticates as a seeded lab user through the lab's Keystone.
func connectAs(t *testing.T, l *lab.Lab, user string) func(context.Context) (check.Target, error) {
	return connectAsB(t, l, user)
}

func connectAsB(t testing.TB, l *lab.Lab, user string) func(context.Context) (check.Target, error) {
	t.Helper()
	u := labtest.User(t, l, user)
	return func(ctx context.Context) (check.Target, error) {
		s, err := labtest.Connect(ctx, l, u)
		if err != nil {
			return check.Target{}, err
		}
		return check.Target{Client: s.Monitoring, ProjectID: s.ProjectID}, nil
	}
}

func newRunner(t *testing.T, l *lab.Lab, name string) *check.Runner {
	t.Helper()
	sc, err := scenarios.Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	return &check.Runner{
		Scenario: sc.Scaled(labSpeed),
		Connect:  connectAs(t, l, "labuser"),
		Receiver: receiver.Options{Listen: "127.0.0.1:0"},
	}
}

func run(t *testing.T, r *check.Runner, timeout time.Duration) *report.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return r.Run(ctx)
}

// assertNothingLeft checks through the API that no resource carrying
// monhook's marker is left in the lab user's project.
func assertNothingLeft(t *testing.T, l *lab.Lab) {
	t.Helper()
	target, err := connectAs(t, l, "labuser")(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pages, err := alarmdefinitions.List(target.Client, alarmdefinitions.ListOpts{}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defs, _ := alarmdefinitions.ExtractAlarmDefinitions(pages)
	for _, d := range defs {
		if strings.HasPrefix(d.Name, "monhook-") {
			t.Errorf("alarm definition left behind: %s %s", d.ID, d.Name)
		}
	}
	pages, err = notificationmethods.List(target.Client, notificationmethods.ListOpts{}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	methods, _ := notificationmethods.ExtractNotificationMethods(pages)
	for _, m := range methods {
		if strings.HasPrefix(m.Name, "monhook-") {
			t.Errorf("notification method left behind: %s %s", m.ID, m.Name)
		}
	}
}

func stage(rep *report.Report, name string) report.Stage {
	for _, s := range rep.Stages {
		if s.Name == name {
			return s
		}
	}
	return report.Stage{}
}

func TestEveryBuiltinScenarioPassesAgainstTheLab(t *testing.T) {
	l := startLab(t)
	for _, sc := range scenarios.Builtins() {
		t.Run(sc.Name, func(t *testing.T) {
			rep := run(t, newRunner(t, l, sc.Name), 2*time.Minute)
			if rep.Verdict != report.VerdictPass || rep.ExitCode != 0 {
				t.Fatalf("verdict %s exit %d: %s\nstages: %+v", rep.Verdict, rep.ExitCode, rep.Error, rep.Stages)
			}
			for _, e := range rep.Expectations {
				if !e.Met || e.Got != e.Want {
					t.Errorf("expectation %d: got %d of %d", e.Index, e.Got, e.Want)
				}
			}
			counted := 0
			for _, d := range rep.Deliveries {
				if d.Expected {
					counted++
					if len(d.Findings) > 0 {
						t.Errorf("delivery #%d has findings %+v", d.Seq, d.Findings)
					}
				}
			}
			if counted == 0 {
				t.Error("no delivery counted")
			}
			assertNothingLeft(t, l)
		})
	}
}

func TestParallelChecksInOneProjectDoNotCollide(t *testing.T) {
	l := startLab(t)
	reps := make([]*report.Report, 3)
	var wg sync.WaitGroup
	for i := range reps {
		wg.Go(func() { reps[i] = run(t, newRunner(t, l, "synthetic"), time.Minute) })
	}
	wg.Wait()
	ids := map[string]bool{}
	for i, rep := range reps {
		if rep.ExitCode != 0 {
			t.Errorf("run %d: exit %d: %s", i, rep.ExitCode, rep.Error)
		}
		for _, d := range rep.Deliveries {
			if d.Expected && ids[d.AlarmDefinitionID+d.AlarmID] {
				t.Errorf("run %d counted a delivery another run counted", i)
			}
		}
		for _, d := range rep.Deliveries {
			ids[d.AlarmDefinitionID+d.AlarmID] = true
		}
	}
	assertNothingLeft(t, l)
}

func TestReadOnlyUserFailsPreflightNamingTheRole(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	r.Connect = connectAs(t, l, "labreader")
	rep := run(t, r, time.Minute)
	if rep.ExitCode != 3 {
		t.Fatalf("exit %d, want %d", rep.ExitCode, 3)
	}
	pf := stage(rep, scenarios.StagePreflight)
	if pf.Status != report.StatusFailed || !strings.Contains(strings.Join(pf.Hints, " "), "monasca-user") {
		t.Errorf("preflight = %+v, want failed with a monasca-user hint", pf)
	}
	if len(rep.Resources) != 0 {
		t.Errorf("created %v although preflight failed", rep.Resources)
	}
}

func TestAgentScenarioPicksAReportingHost(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "cpu-idle")
	r.Connect = connectAs(t, l, "labuser")
	rep := run(t, r, time.Minute)
	if rep.ExitCode != 0 {
		t.Fatalf("exit %d: %s", rep.ExitCode, rep.Error)
	}
	if d := stage(rep, scenarios.StagePreflight).Detail; !strings.Contains(d, "watching lab-") {
		t.Errorf("preflight detail %q does not name the chosen host", d)
	}
}

func TestUnknownHostFailsPreflightSuggestingSynthetic(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "cpu-idle")
	r.Hostname = "no-such-host"
	rep := run(t, r, time.Minute)
	if rep.ExitCode != 3 {
		t.Fatalf("exit %d, want 3", rep.ExitCode)
	}
	if h := strings.Join(stage(rep, scenarios.StagePreflight).Hints, " "); !strings.Contains(h, "--scenario synthetic") {
		t.Errorf("hints %q do not suggest the synthetic scenario", h)
	}
}

func TestUnreachableCallbackFailsTheDeliveryStageWithAHint(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	r.Receiver.CallbackURL = "http://127.0.0.1:1/unreachable"
	r.SkipCallbackTest = true // as when only the notifier's network could reach it
	rep := run(t, r, time.Minute)
	if rep.ExitCode != 1 {
		t.Fatalf("exit %d, want 1: %s", rep.ExitCode, rep.Error)
	}
	d := stage(rep, scenarios.StageDelivery)
	if d.Status != report.StatusFailed || !strings.Contains(strings.Join(d.Hints, " "), "cannot reach") {
		t.Errorf("delivery stage = %+v, want failed with a reachability hint", d)
	}
	if stage(rep, scenarios.StageTeardown).Status != report.StatusOK {
		t.Errorf("teardown did not run cleanly: %+v", stage(rep, scenarios.StageTeardown))
	}
	assertNothingLeft(t, l)
}

func TestInterruptDuringTheWaitStillTearsDown(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	r.Receiver.CallbackURL = "http://127.0.0.1:1/unreachable"
	r.SkipCallbackTest = true // as when only the notifier's network could reach it
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	r.Progress = func(stage string) {
		if stage == scenarios.StageDelivery {
			cancel(errors.New("interrupt"))
		}
	}
	rep := r.Run(ctx)
	if rep.Verdict != report.VerdictInterrupted || rep.ExitCode != 130 {
		t.Fatalf("verdict %s exit %d, want interrupted/130", rep.Verdict, rep.ExitCode)
	}
	if stage(rep, scenarios.StageTeardown).Status != report.StatusOK {
		t.Errorf("teardown = %+v", stage(rep, scenarios.StageTeardown))
	}
	assertNothingLeft(t, l)
}

func TestTeardownThatCannotDeleteExitsFourListingTheIDs(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	connect := connectAs(t, l, "labuser")
	r.Connect = func(ctx context.Context) (check.Target, error) {
		tg, err := connect(ctx)
		if err != nil {
			return tg, err
		}
		tg.Client = openstack.NewMonitoringV2FromURL(tg.Client.ProviderClient, labtest.FailDeletes(t, tg.Client.ResourceBaseURL(), nil))
		return tg, nil
	}
	rep := run(t, r, time.Minute)
	if rep.ExitCode != 4 {
		t.Fatalf("exit %d, want 4: %s", rep.ExitCode, rep.Error)
	}
	if len(rep.Leaked) != 2 {
		t.Fatalf("leaked = %+v, want the definition and the method", rep.Leaked)
	}
	td := stage(rep, scenarios.StageTeardown)
	for _, res := range rep.Leaked {
		if !strings.Contains(td.Detail, res.ID) {
			t.Errorf("teardown detail %q does not list %s", td.Detail, res.ID)
		}
	}
}

func TestKeepSkipsTeardownAndListsTheResources(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	r.Keep = true
	rep := run(t, r, time.Minute)
	if rep.ExitCode != 0 || !rep.Kept {
		t.Fatalf("exit %d kept %v", rep.ExitCode, rep.Kept)
	}
	td := stage(rep, scenarios.StageTeardown)
	if td.Status != report.StatusSkipped || len(rep.Resources) != 2 || !strings.Contains(td.Detail, rep.Resources[0].ID) {
		t.Errorf("teardown = %+v, resources %+v", td, rep.Resources)
	}
}

func TestAFailedExpectationListsTheLaterOnesUnmet(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "ok-cycle")
	r.Receiver.CallbackURL = "http://127.0.0.1:1/unreachable"
	r.SkipCallbackTest = true // as when only the notifier's network could reach it
	rep := run(t, r, time.Minute)
	if rep.ExitCode != 1 || len(rep.Expectations) != 2 {
		t.Fatalf("exit %d, expectations %+v; want 1 and both expectations listed", rep.ExitCode, rep.Expectations)
	}
	for _, e := range rep.Expectations {
		if e.Met || e.Got != 0 {
			t.Errorf("expectation %+v should be unmet", e)
		}
	}
}

// The self-test's latency in the receiver stage is printed like every
// other stage timing (report.FormatDuration: 0.4ms, 12ms), not as a raw
// duration such as 413.271µs.
func TestCallbackSelfTestLatencyIsFormattedLikeTheStageTimings(t *testing.T) {
	l := startLab(t)
	rep := run(t, newRunner(t, l, "synthetic"), time.Minute)
	st := stage(rep, scenarios.StageReceiver)
	m := regexp.MustCompile(`callback self-test: a POST to it reached this receiver in (\S+?)(;|$)`).FindStringSubmatch(st.Detail)
	if m == nil {
		t.Fatalf("receiver stage detail %q has no self-test latency", st.Detail)
	}
	if !regexp.MustCompile(`^(\d+\.\dms|\d+ms|\d+\.\ds|\d+m\d\ds)$`).MatchString(m[1]) {
		t.Errorf("self-test latency %q is not in report.FormatDuration's form", m[1])
	}
}

// A callback URL that does not lead to the receiver is found before
// anything is created: exit 3 at the receiver stage, naming the URL.
func TestCallbackSelfTestStopsTheRunBeforeAnythingIsCreated(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Server", "BaseHTTP/0.6 Python/3.11.2")
	}))
	defer other.Close()
	for _, tc := range []struct{ name, url, want string }{
		{"nothing listens", "http://127.0.0.1:1/", "connection refused"},
		{"another service answers", other.URL + "/", "something else answered 200 OK (Server: BaseHTTP/0.6 Python/3.11.2)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := startLab(t)
			r := newRunner(t, l, "synthetic")
			r.Receiver.CallbackURL = tc.url
			rep := run(t, r, time.Minute)
			if rep.ExitCode != 3 {
				t.Fatalf("exit %d, want 3: %s", rep.ExitCode, rep.Error)
			}
			st := stage(rep, scenarios.StageReceiver)
			if st.Status != report.StatusFailed || !strings.Contains(st.Detail, tc.want) ||
				!strings.Contains(st.Detail, strings.TrimSuffix(tc.url, "/")) {
				t.Errorf("receiver stage = %+v, want it failed naming the URL and %q", st, tc.want)
			}
			if len(rep.Resources) != 0 || stage(rep, scenarios.StageNotificationMethod).Status != report.StatusSkipped {
				t.Errorf("resources %+v created after a failed self-test", rep.Resources)
			}
			assertNothingLeft(t, l)
		})
	}
}
