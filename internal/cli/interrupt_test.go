package cli

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/internal/syncbuf"
	"github.com/monhook/monhook/scenarios"
)

func TestSignalCounterTreatsABurstAsOnePress(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	c := &signalCounter{window: SignalWindow}
	steps := []struct {
		at   time.Duration
		want signalAction
	}{
		{0, actStop},
		{time.Microsecond, actIgnore},               // GNU timeout's second signal
		{SignalWindow - time.Nanosecond, actIgnore}, // still the same press
		{2 * time.Second, actAbandon},               // a person pressing again
		{2*time.Second + time.Microsecond, actIgnore},
		{5 * time.Second, actExit},
	}
	for i, s := range steps {
		if got := c.next(t0.Add(s.at)); got != s.want {
			t.Errorf("signal %d at +%s: action %d, want %d", i+1, s.at, got, s.want)
		}
	}
}

// signalRun is one `monhook check` run whose signals the test injects at
// given clock readings, from its stage hook.
type signalRun struct {
	t       *testing.T
	sigs    chan os.Signal
	times   []time.Time
	acted   chan signalAction
	abandon <-chan struct{}
	status  syncbuf.Buffer
}

func newSignalRun(t *testing.T, at ...time.Duration) *signalRun {
	t0 := time.Unix(1_700_000_000, 0)
	r := &signalRun{t: t, sigs: make(chan os.Signal, len(at)), acted: make(chan signalAction, len(at))}
	for _, d := range at {
		r.times = append(r.times, t0.Add(d))
	}
	return r
}

func (r *signalRun) now() time.Time {
	t := r.times[0]
	r.times = r.times[1:] // only the watcher goroutine calls now
	return t
}

// send injects every signal at once, as back-to-back deliveries.
func (r *signalRun) send() {
	for range cap(r.sigs) {
		r.sigs <- syscall.SIGINT
	}
}

// awaitActions waits until the watcher has acted on n signals.
func (r *signalRun) awaitActions(n int) []signalAction {
	var got []signalAction
	deadline := time.After(30 * time.Second)
	for len(got) < n {
		select {
		case a := <-r.acted:
			got = append(got, a)
		case <-deadline:
			r.t.Errorf("the signal watcher acted on %d of %d signals", len(got), n)
			return got
		}
	}
	return got
}

// run executes check with args, calling hook as each stage starts.
func (r *signalRun) run(args []string, hook func(stage string)) (int, string) {
	streams, out, _ := TestStreams()
	ctx, abandon, stop := watchSignals(context.Background(), r.sigs, signalPolicy{
		Window: SignalWindow, Now: r.now, ErrOut: &r.status,
		Exit:  func(code int) { r.t.Errorf("the watcher exited the process with %d", code) },
		acted: func(a signalAction) { r.acted <- a },
	})
	defer stop()
	r.abandon = abandon
	f := NewFactory(streams, "test")
	f.Abandon = abandon
	root := NewCmdRoot(f)
	replaceCommand(root, NewCmdCheck(f, func(ctx context.Context, o *checkOptions) error {
		o.progress = hook
		return checkRun(ctx, o)
	}))
	return execute(ctx, f, root, args), out.String()
}

func checkArgs(junit string) []string {
	return []string{"check", "--lab", "-s", "synthetic", "-o", "json", "--junit", junit,
		"--callback-url", "http://127.0.0.1:1/never", "--skip-callback-test", "--timeout", "2m"}
}

func parseJSONReport(t *testing.T, stdout string) *report.Report {
	t.Helper()
	var rep report.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("stdout is not one complete JSON report: %v\n%s", err, stdout)
	}
	if len(rep.Stages) != len(scenarios.Stages()) {
		t.Errorf("report has %d stages, want %d", len(rep.Stages), len(scenarios.Stages()))
	}
	return &rep
}

func parseJUnitVerdict(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no JUnit file: %v", err)
	}
	var suite struct {
		Props []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
	}
	if err := xml.Unmarshal(raw, &suite); err != nil {
		t.Fatalf("JUnit does not parse: %v", err)
	}
	for _, p := range suite.Props {
		if p.Name == "exit_code" {
			return p.Value
		}
	}
	return ""
}

// GNU timeout (and Ctrl-C to a process group) delivers SIGINT twice,
// microseconds apart. That is one request: teardown runs to the end, the
// JSON report and the JUnit file are complete, and the exit is 130.
func TestTwoSignalsInABurstAreOneInterruptAndTeardownRuns(t *testing.T) {
	r := newSignalRun(t, 0, time.Microsecond)
	junit := filepath.Join(t.TempDir(), "r.xml")
	code, stdout := r.run(checkArgs(junit), func(stage string) {
		switch stage {
		case scenarios.StageDelivery:
			r.send()
		case scenarios.StageTeardown:
			// Both signals are acted on before teardown starts, so a
			// burst read as two presses would cut it short here.
			if got := r.awaitActions(2); len(got) == 2 && got[1] != actIgnore {
				r.t.Errorf("second signal of the burst: action %d, want ignored", got[1])
			}
		}
	})
	rep := parseJSONReport(t, stdout)
	if code != 130 || rep.ExitCode != 130 || rep.Verdict != report.VerdictInterrupted {
		t.Fatalf("exit %d, report %s/%d; want 130 interrupted\nstatus: %s", code, rep.Verdict, rep.ExitCode, r.status.String())
	}
	if len(rep.Leaked) != 0 || len(rep.Resources) != 2 {
		t.Errorf("resources %+v leaked %+v; want both deleted", rep.Resources, rep.Leaked)
	}
	for _, res := range rep.Resources {
		if !res.Deleted {
			t.Errorf("%s %s not deleted", res.Kind, res.ID)
		}
	}
	if got := parseJUnitVerdict(t, junit); got != "130" {
		t.Errorf("JUnit exit_code %q, want 130", got)
	}
}

// A second Ctrl-C pressed later means "exit now": teardown is skipped,
// the report still comes out whole and lists what was left, and the exit
// is 4, not 130.
func TestALaterSecondSignalSkipsTeardownListsTheLeftoversAndExitsFour(t *testing.T) {
	r := newSignalRun(t, 0, 2*time.Second)
	junit := filepath.Join(t.TempDir(), "r.xml")
	code, stdout := r.run(checkArgs(junit), func(stage string) {
		switch stage {
		case scenarios.StageDelivery:
			r.send()
		case scenarios.StageTeardown:
			r.awaitActions(2)
		}
	})
	rep := parseJSONReport(t, stdout)
	if code != 4 || rep.ExitCode != 4 {
		t.Fatalf("exit %d (report %d), want 4\nstatus: %s", code, rep.ExitCode, r.status.String())
	}
	if len(rep.Leaked) != 2 {
		t.Errorf("leaked %+v, want the definition and the method", rep.Leaked)
	}
	var td report.Stage
	for _, s := range rep.Stages {
		if s.Name == scenarios.StageTeardown {
			td = s
		}
	}
	if td.Status != report.StatusFailed || !strings.Contains(td.Detail, "left") || !strings.Contains(strings.Join(td.Hints, " "), "cleanup --run-id "+rep.RunID) {
		t.Errorf("teardown stage %+v does not say what was left and how to remove it", td)
	}
	if !strings.Contains(r.status.String(), "what is left will be listed") {
		t.Errorf("stderr does not say teardown is being cut short: %q", r.status.String())
	}
	if got := parseJUnitVerdict(t, junit); got != "4" {
		t.Errorf("JUnit exit_code %q, want 4", got)
	}
}

func TestAThirdSignalExitsAtOnceWithFour(t *testing.T) {
	r := newSignalRun(t, 0, 2*time.Second, 4*time.Second)
	exited := make(chan int, 1)
	ctx, abandon, stop := watchSignals(context.Background(), r.sigs, signalPolicy{
		Window: SignalWindow, Now: r.now, ErrOut: &r.status,
		Exit:  func(code int) { exited <- code },
		acted: func(a signalAction) { r.acted <- a },
	})
	defer stop()
	r.send()
	select {
	case code := <-exited:
		if code != 4 {
			t.Errorf("exit %d, want 4", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a third signal did not exit")
	}
	if ctx.Err() == nil {
		t.Error("the first signal did not cancel the context")
	}
	select {
	case <-abandon:
	default:
		t.Error("the second signal did not abandon teardown")
	}
}

// TestTheStatusLineNamesTheSignal: Go's description of SIGTERM made the
// line read "monhook: terminated received".
func TestTheStatusLineNamesTheSignal(t *testing.T) {
	for sig, want := range map[os.Signal]string{os.Interrupt: "monhook: SIGINT received", syscall.SIGTERM: "monhook: SIGTERM received"} {
		sigs := make(chan os.Signal, 1)
		acted := make(chan signalAction, 1)
		var status syncbuf.Buffer
		_, _, stop := watchSignals(context.Background(), sigs, signalPolicy{
			Window: SignalWindow, Now: time.Now, ErrOut: &status,
			Exit:  func(code int) { t.Errorf("exited with %d", code) },
			acted: func(a signalAction) { acted <- a },
		})
		sigs <- sig
		select {
		case <-acted:
		case <-time.After(30 * time.Second):
			t.Fatal("the signal was not acted on")
		}
		stop()
		if !strings.Contains(status.String(), want) {
			t.Errorf("status %q, want %q", status.String(), want)
		}
	}
}
