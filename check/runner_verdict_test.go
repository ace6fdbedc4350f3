package check_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/monhook/monhook/check"
	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/labtest"
	"github.com/monhook/monhook/openstack"
	"github.com/monhook/monhook/scenarios"
)

// junitCounts parses the run's JUnit file as a CI system would.
func junitCounts(t *testing.T, rep *report.Report) (failures, skipped int) {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteJUnit(&b, rep); err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
	}
	if err := xml.Unmarshal(b.Bytes(), &suite); err != nil {
		t.Fatalf("JUnit does not parse: %v\n%s", err, b.String())
	}
	return suite.Failures, suite.Skipped
}

// `check --timeout 1ns`: the run's time is gone before auth. That proves
// nothing, so it fails (exit 1) naming the stage the timeout hit. That one
// cause is one failure: the stages that never ran are skipped, in the
// report and in JUnit, and still the run is not green.
func TestATimeoutBeforeAnyStageFailsNamingTheStage(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	rep := r.Run(ctx)
	if rep.Verdict != report.VerdictFail || rep.ExitCode != 1 {
		t.Fatalf("verdict %s exit %d, want fail/1 (stages %+v)", rep.Verdict, rep.ExitCode, rep.Stages)
	}
	first := rep.FirstFailed()
	if first == nil || first.Name != scenarios.StageAuth || !strings.Contains(first.Detail, "--timeout") {
		t.Fatalf("first failed stage %+v, want auth naming --timeout", first)
	}
	if !strings.Contains(rep.Error, scenarios.StageAuth) {
		t.Errorf("error %q does not name the stage the timeout hit", rep.Error)
	}
	for _, s := range rep.Stages[1:] {
		if s.Status != report.StatusSkipped {
			t.Errorf("stage %s is %s, want skipped (it never ran)", s.Name, s.Status)
		}
		if s.Name != scenarios.StageTeardown && !strings.Contains(s.Detail, "not run: the overall timeout (--timeout) was reached in auth") {
			t.Errorf("stage %s detail %q does not say why it did not run", s.Name, s.Detail)
		}
	}
	failures, skipped := junitCounts(t, rep)
	if failures != 1 || skipped != len(scenarios.Stages())-1 {
		t.Errorf("JUnit: %d failures, %d skipped; want the one timeout as one failure, the rest skipped", failures, skipped)
	}
}

// The same --timeout running out while Monasca does not answer an API
// call (`--timeout 1ms` in auth) is the same outcome, exit 1 and one
// failure, not "could not run" (exit 3): one timeout, one exit code.
func TestATimeoutInsideAnAPICallIsTheSameFailure(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	done := make(chan struct{})
	proxied(t, r, l, func(proxy http.Handler) http.HandlerFunc {
		return func(w http.ResponseWriter, req *http.Request) {
			if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/notification-methods") {
				select { // Monasca never answers
				case <-req.Context().Done():
				case <-done:
				}
				return
			}
			proxy.ServeHTTP(w, req)
		}
	})
	defer close(done) // before the proxy's cleanup waits for its handlers
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rep := r.Run(ctx)
	if rep.Verdict != report.VerdictFail || rep.ExitCode != 1 {
		t.Fatalf("verdict %s exit %d, want fail/1: %s", rep.Verdict, rep.ExitCode, rep.Error)
	}
	first := rep.FirstFailed()
	if first == nil || !strings.Contains(first.Detail, "--timeout") {
		t.Fatalf("first failed stage %+v, want one naming --timeout", first)
	}
	if failures, _ := junitCounts(t, rep); failures != 1 {
		t.Errorf("JUnit: %d failures, want 1", failures)
	}
}

// A scenario built in Go without expectations (it never went through
// Validate) awaits nothing; it must not pass.
func TestAScenarioWithoutExpectationsNeverPasses(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	r.Scenario.Expect = nil
	rep := run(t, r, time.Minute)
	if rep.Verdict == report.VerdictPass || rep.ExitCode != 1 {
		t.Fatalf("verdict %s exit %d, want fail/1: nothing was expected, so nothing was proven", rep.Verdict, rep.ExitCode)
	}
	if !strings.Contains(rep.Error, "expects no delivery") {
		t.Errorf("error %q does not say why", rep.Error)
	}
	if f := rep.FirstFailed(); f == nil || f.Name != scenarios.StageDelivery {
		t.Errorf("first failed stage %+v, want delivery (CI reads stages)", f)
	}
	if failures, _ := junitCounts(t, rep); failures == 0 {
		t.Error("JUnit shows no failure")
	}
	assertNothingLeft(t, l)
}

// An interrupt between two stages fails the stage it hit (JUnit shows a
// failure, not only skips) and exits 130 after a complete teardown.
func TestAnInterruptBetweenStagesNamesTheStageAndTearsDown(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	r.Progress = func(stage string) {
		if stage == scenarios.StageTrigger {
			cancel(errInterrupt)
		}
	}
	rep := r.Run(ctx)
	if rep.Verdict != report.VerdictInterrupted || rep.ExitCode != 130 {
		t.Fatalf("verdict %s exit %d, want interrupted/130", rep.Verdict, rep.ExitCode)
	}
	if f := rep.FirstFailed(); f == nil || f.Name != scenarios.StageTrigger {
		t.Errorf("first failed %+v, want the trigger stage the interrupt hit", f)
	}
	if failures, _ := junitCounts(t, rep); failures == 0 {
		t.Error("JUnit shows no failure for an interrupted run")
	}
	assertNothingLeft(t, l)
}

var errInterrupt = errorString("interrupt")

type errorString string

func (e errorString) Error() string { return string(e) }

// proxied reroutes the runner's Monasca calls through a handler in front
// of the lab.
func proxied(t *testing.T, r *check.Runner, l *lab.Lab, handler func(proxy http.Handler) http.HandlerFunc) {
	connect := connectAs(t, l, "labuser")
	r.Connect = func(ctx context.Context) (check.Target, error) {
		tg, err := connect(ctx)
		if err != nil {
			return tg, err
		}
		api := labtest.Proxy(t, tg.Client.ResourceBaseURL(), func(proxy http.Handler) http.Handler { return handler(proxy) })
		tg.Client = openstack.NewMonitoringV2FromURL(tg.Client.ProviderClient, api)
		return tg, nil
	}
}

// One DELETE answered 500: the other resource is still deleted, only the
// failed one is listed as leaked, and the exit is 4 although the check
// itself passed.
func TestTeardownWithOneFailedDeleteExitsFourListingOnlyThatOne(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	proxied(t, r, l, func(proxy http.Handler) http.HandlerFunc {
		return func(w http.ResponseWriter, req *http.Request) {
			if req.Method == http.MethodDelete && strings.Contains(req.URL.Path, "/notification-methods/") {
				labtest.Fail(w)
				return
			}
			proxy.ServeHTTP(w, req)
		}
	})
	rep := run(t, r, time.Minute)
	if rep.ExitCode != 4 || rep.Verdict != report.VerdictPass {
		t.Fatalf("verdict %s exit %d, want pass/4: %s", rep.Verdict, rep.ExitCode, rep.Error)
	}
	if len(rep.Leaked) != 1 || rep.Leaked[0].Kind != report.KindNotificationMethod || !strings.Contains(rep.Leaked[0].Error, "500") {
		t.Fatalf("leaked %+v, want only the notification method with its 500", rep.Leaked)
	}
	for _, res := range rep.Resources {
		if res.Kind == report.KindAlarmDefinition && !res.Deleted {
			t.Errorf("the definition was not deleted: %+v", res)
		}
	}
}

// Abandon closing while a DELETE hangs cuts teardown short at once: the
// report lists what is left and the interrupted run exits 4, not 130.
func TestAbandonDuringTeardownCutsItShortAndExitsFour(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	r.Receiver.CallbackURL = "http://127.0.0.1:1/unreachable"
	r.SkipCallbackTest = true // as when only the notifier's network could reach it
	abandon := make(chan struct{})
	r.Abandon = abandon
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	r.Progress = func(stage string) {
		if stage == scenarios.StageDelivery {
			cancel(errInterrupt)
		}
	}
	stalled := make(chan struct{})
	var once sync.Once
	proxied(t, r, l, func(proxy http.Handler) http.HandlerFunc {
		return func(w http.ResponseWriter, req *http.Request) {
			if req.Method == http.MethodDelete {
				once.Do(func() { close(stalled); close(abandon) }) // teardown is under way
				<-req.Context().Done()
				return
			}
			proxy.ServeHTTP(w, req)
		}
	})
	done := make(chan *report.Report, 1)
	go func() { done <- r.Run(ctx) }()
	var rep *report.Report
	select {
	case rep = <-done:
	case <-time.After(time.Minute):
		t.Fatal("teardown was not cut short")
	}
	select {
	case <-stalled:
	default:
		t.Fatal("teardown never sent a DELETE")
	}
	if rep.ExitCode != 4 || rep.Verdict != report.VerdictInterrupted {
		t.Fatalf("verdict %s exit %d, want interrupted/4", rep.Verdict, rep.ExitCode)
	}
	if len(rep.Leaked) != 2 {
		t.Errorf("leaked %+v, want both resources", rep.Leaked)
	}
	if td := stage(rep, scenarios.StageTeardown); !strings.Contains(td.Detail, "cut short") {
		t.Errorf("teardown detail %q does not say it was cut short", td.Detail)
	}
	if !strings.Contains(rep.Error, "left") {
		t.Errorf("error %q does not say what was left", rep.Error)
	}
}

// A create whose answer never came because the run was interrupted while
// it was in flight may still have happened in Monasca: the runner looks it
// up by its run-unique name and tears it down, so nothing is left unlisted.
func TestACreateCutOffByAnInterruptIsFoundAndTornDown(t *testing.T) {
	for _, path := range []string{"/notification-methods", "/alarm-definitions"} {
		t.Run(path, func(t *testing.T) {
			l := startLab(t)
			r := newRunner(t, l, "synthetic")
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			proxied(t, r, l, func(proxy http.Handler) http.HandlerFunc {
				return func(w http.ResponseWriter, req *http.Request) {
					body, _ := io.ReadAll(req.Body)
					req.Body = io.NopCloser(bytes.NewReader(body))
					// The create itself (not the preflight's empty write probe).
					if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, path) && bytes.Contains(body, []byte(`"monhook-`)) {
						// Monasca creates it; the answer is lost to the interrupt.
						proxy.ServeHTTP(httptest.NewRecorder(), req)
						cancel(errInterrupt)
						<-req.Context().Done()
						return
					}
					proxy.ServeHTTP(w, req)
				}
			})
			rep := r.Run(ctx)
			if rep.ExitCode != 130 {
				t.Fatalf("exit %d (%s), want 130", rep.ExitCode, rep.Error)
			}
			found := false
			for _, res := range rep.Resources {
				if strings.HasSuffix(path, res.Kind+"s") {
					found = res.Deleted
				}
			}
			if !found {
				t.Errorf("resources %+v: the %s created during the interrupt was not found and deleted", rep.Resources, path)
			}
			assertNothingLeft(t, l)
		})
	}
}

// The definition goes first, so that a teardown cut short after one delete
// leaves an inert notification method, never the noisy alarm definition
// (see teardown).
func TestTeardownDeletesTheDefinitionBeforeTheMethod(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	var (
		mu      sync.Mutex
		deletes []string
	)
	proxied(t, r, l, func(proxy http.Handler) http.HandlerFunc {
		return func(w http.ResponseWriter, req *http.Request) {
			if req.Method == http.MethodDelete {
				mu.Lock()
				deletes = append(deletes, req.URL.Path)
				first := len(deletes) == 1
				mu.Unlock()
				if !first {
					// The second delete fails: what is left is whatever
					// the order put last.
					labtest.Fail(w)
					return
				}
			}
			proxy.ServeHTTP(w, req)
		}
	})
	rep := run(t, r, time.Minute)
	mu.Lock()
	defer mu.Unlock()
	// (A failed DELETE is retried: every one after the first is the method's.)
	if len(deletes) < 2 || !strings.Contains(deletes[0], "/alarm-definitions/") {
		t.Fatalf("DELETEs in order %q, want the alarm definition first", deletes)
	}
	for _, d := range deletes[1:] {
		if !strings.Contains(d, "/notification-methods/") {
			t.Fatalf("DELETEs in order %q, want the alarm definition, then the notification method", deletes)
		}
	}
	if len(rep.Leaked) != 1 || rep.Leaked[0].Kind != report.KindNotificationMethod {
		t.Errorf("leaked %+v, want only the (inert) notification method", rep.Leaked)
	}
}

// --timeout running out while the run waits for Monasca's pipeline (here
// the deliveries of a lab without its notification engine) is the same
// exit 1 and one failure.
func TestATimeoutAwaitingMonascaFailsTheCheck(t *testing.T) {
	l := labtest.Start(t, lab.Options{Speed: labSpeed, NoNotifier: true})
	r := newRunner(t, l, "synthetic")
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	rep := r.Run(ctx)
	if rep.Verdict != report.VerdictFail || rep.ExitCode != 1 {
		t.Fatalf("verdict %s exit %d, want fail/1: %s", rep.Verdict, rep.ExitCode, rep.Error)
	}
	first := rep.FirstFailed()
	if first == nil || (first.Name != scenarios.StageAlarm && first.Name != scenarios.StageDelivery && first.Name != scenarios.StageTrigger) {
		t.Fatalf("first failed stage %+v, want one awaiting Monasca", first)
	}
	if failures, _ := junitCounts(t, rep); failures != 1 {
		t.Errorf("JUnit: %d failures, want 1", failures)
	}
	assertNothingLeft(t, l)
}
