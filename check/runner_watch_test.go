package check_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/monhook/monhook/check"
	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/internal/testcert"
	"github.com/monhook/monhook/scenarios"
)

// hideAlarmList makes the alarm poll's view lag forever: GET /v2.0/alarms
// lists nothing, while GET /v2.0/alarms/{id} and everything else passes.
func hideAlarmList(proxy http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodGet && strings.HasSuffix(req.URL.Path, "/alarms") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"links":[{"rel":"self","href":"`+req.URL.String()+`"}],"elements":[]}`)
			return
		}
		proxy.ServeHTTP(w, req)
	}
}

// The delivery is the proof: one that arrives while the alarm poll still
// lists nothing counts, the run passes, and the alarm stage reports the
// alarm as the delivery showed it, verified by GET, with the poll's timing.
func TestADeliveryBeforeThePollSeesTheAlarmCounts(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	var (
		mu   sync.Mutex
		gets []string
	)
	proxied(t, r, l, func(proxy http.Handler) http.HandlerFunc {
		hide := hideAlarmList(proxy)
		return func(w http.ResponseWriter, req *http.Request) {
			if req.Method == http.MethodGet && strings.Contains(req.URL.Path, "/alarms/") {
				mu.Lock()
				gets = append(gets, req.URL.Path)
				mu.Unlock()
			}
			hide(w, req)
		}
	})
	rep := run(t, r, time.Minute)
	if rep.ExitCode != 0 {
		t.Fatalf("exit %d, want 0: %s\n%+v", rep.ExitCode, rep.Error, rep.Stages)
	}
	if len(rep.Deliveries) == 0 {
		t.Fatal("no delivery in the report")
	}
	id := rep.Deliveries[0].AlarmID
	a := stage(rep, scenarios.StageAlarm)
	if a.Status != report.StatusOK || !strings.Contains(a.Detail, "shown by its delivery") || !strings.Contains(a.Detail, id) || a.StartedAt == nil {
		t.Errorf("alarm stage = %+v, want ok, shown by the delivery of %s, with its timing", a, id)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(gets) != 1 || !strings.HasSuffix(gets[0], "/alarms/"+id) {
		t.Errorf("GETs of single alarms = %v, want one of %s", gets, id)
	}
}

// The ordering rule under the overall deadline: the alarm poll never sees
// the alarm, the delivery arrives, and the run ends as soon as it did,
// long before the poll's own budget.
func TestTheRunEndsWithTheDeliveryNotWithThePoll(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	r.Scenario.Budgets[scenarios.StageAlarm] = scenarios.Duration(time.Hour)
	proxied(t, r, l, hideAlarmList)
	done := make(chan *report.Report, 1)
	go func() { done <- run(t, r, 2*time.Minute) }()
	select {
	case rep := <-done:
		if rep.ExitCode != 0 {
			t.Fatalf("exit %d: %s", rep.ExitCode, rep.Error)
		}
	case <-time.After(time.Minute):
		t.Fatal("the run waited for the alarm poll after the delivery arrived")
	}
}

// A delivery whose alarm id GET /v2.0/alarms/{id} does not show as this
// run's definition's is not counted.
func TestADeliveryOfAnAlarmTheAPIDoesNotKnowIsNotCounted(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	proxied(t, r, l, func(proxy http.Handler) http.HandlerFunc {
		hide := hideAlarmList(proxy)
		return func(w http.ResponseWriter, req *http.Request) {
			if req.Method == http.MethodGet && strings.Contains(req.URL.Path, "/alarms/") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusNotFound)
				_, _ = io.WriteString(w, `{"title":"Not Found","description":"No such alarm"}`)
				return
			}
			hide(w, req)
		}
	})
	rep := run(t, r, time.Minute)
	if rep.ExitCode != 1 {
		t.Fatalf("exit %d, want 1: %s", rep.ExitCode, rep.Error)
	}
	if !strings.Contains(rep.Error, "answered 404") || len(rep.Deliveries) == 0 || rep.Deliveries[0].Expected {
		t.Errorf("error %q, deliveries %+v: want the uncounted delivery's 404 named", rep.Error, rep.Deliveries)
	}
}

func consumer(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_, _ = io.Copy(io.Discard, req.Body)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/openstack/alerts"
}

// --forward-to puts the consumer in the verdict: its 2xx is recorded in
// the report and a consumer stage; a consumer that fails or is down makes
// the run exit 1 naming the URL and what happened.
func TestForwardToPutsTheConsumerInTheVerdict(t *testing.T) {
	okURL := consumer(t, http.StatusOK, "thanks")
	failURL := consumer(t, http.StatusNotFound, "Cannot POST /openstack/alerts")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	downURL := "http://" + ln.Addr().String() + "/"
	ln.Close()
	for _, tc := range []struct {
		name, url string
		exit      int
		want      string
		cell      string // the deliveries table's CONSUMER cell
	}{
		{"consumer answers 200", okURL, 0, okURL + " answered 200 to 1 delivery", "200 ("},
		{"consumer answers 404", failURL, 1, "answered 404 Not Found: Cannot POST /openstack/alerts", "404 ("},
		{"consumer is down", downURL, 1, "connection refused", "refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := startLab(t)
			r := newRunner(t, l, "synthetic")
			r.Receiver.ForwardTo = tc.url
			rep := run(t, r, time.Minute)
			if rep.ExitCode != tc.exit {
				t.Fatalf("exit %d, want %d: %s", rep.ExitCode, tc.exit, rep.Error)
			}
			c := stage(rep, check.StageConsumer)
			if !strings.Contains(c.Detail, tc.want) || (tc.exit == 0) != (c.Status == report.StatusOK) {
				t.Errorf("consumer stage = %+v, want %q", c, tc.want)
			}
			if len(rep.Deliveries) == 0 || rep.Deliveries[0].Consumer == nil || rep.Deliveries[0].Consumer.URL != tc.url {
				t.Fatalf("deliveries %+v: want the consumer's answer recorded", rep.Deliveries)
			}
			if tc.exit == 0 && !regexp.MustCompile(`\(slowest \d+(\.\d)?(ms|s)\)`).MatchString(c.Detail) {
				t.Errorf("consumer stage detail %q: the slowest answer is not rounded as the report's durations are", c.Detail)
			}
			t.Setenv("COLUMNS", "80")
			var table bytes.Buffer
			if err := report.WriteTable(&table, rep); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(table.String(), "CONSUMER") || !strings.Contains(table.String(), "│ "+tc.cell) {
				t.Errorf("deliveries table has no CONSUMER column with %q:\n%s", tc.cell, table.String())
			}
			if tc.exit != 0 {
				if !strings.Contains(rep.Error, tc.url) || !strings.Contains(rep.Error, tc.want) {
					t.Errorf("error %q does not name %s and %q", rep.Error, tc.url, tc.want)
				}
				if rep.Deliveries[0].ResponseStatus != http.StatusBadGateway {
					t.Errorf("Monasca was answered %d, want 502", rep.Deliveries[0].ResponseStatus)
				}
				if len(rep.Deliveries) < 2 {
					t.Errorf("%d deliveries: Monasca did not retry after the 502", len(rep.Deliveries))
				}
			} else if d := rep.Deliveries[0].Consumer; d.Status != 200 || d.Body != "thanks" {
				t.Errorf("consumer = %+v, want 200 with its body", d)
			}
			assertNothingLeft(t, l)
		})
	}
}

// A --timeout the operator set below the scenario's documented minimum is
// the cause named first, wherever the deadline struck.
func TestATimeoutBelowTheScenariosMinimumIsNamedFirst(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	min := r.Scenario.Minimum.Duration()
	if min <= 0 {
		t.Fatal("synthetic documents no minimum")
	}
	r.UserTimeout = time.Microsecond // the deadline strikes in the first stages
	rep := run(t, r, r.UserTimeout)
	if rep.ExitCode == 0 {
		t.Fatal("passed within a microsecond")
	}
	st := rep.FirstFailed()
	if st == nil || len(st.Hints) == 0 || !strings.HasPrefix(st.Hints[0], "--timeout "+r.UserTimeout.String()+" is shorter than scenario synthetic's documented minimum") {
		t.Fatalf("first failed stage %+v: want the short --timeout named first", st)
	}

	// A timeout at or above the minimum is no such cause.
	r2 := newRunner(t, l, "synthetic")
	r2.UserTimeout = min
	r2.Receiver.CallbackURL = "http://127.0.0.1:1/unreachable"
	r2.SkipCallbackTest = true
	rep = run(t, r2, min)
	for _, s := range rep.Stages {
		for _, h := range s.Hints {
			if strings.Contains(h, "documented minimum") {
				t.Errorf("stage %s hints %q at a timeout of the minimum", s.Name, h)
			}
		}
	}
}

// The hint for an alarm the threshold engine has not moved matches the
// expression's function: an avg over a long period waits for its window,
// which is not the seconds a max(...) > t takes.
func TestTheNotMovedHintMatchesTheExpressionsFunction(t *testing.T) {
	sc, err := scenarios.Load(strings.NewReader(`
name: slow-avg
proves: nothing
metric: {source: synthetic, name: monhook.synthetic, dimensions: {monhook_run: "{{.RunID}}"}, values: [90], interval: 5s}
expression: "avg({{.Metric}}{{.Dimensions}}, 600) > 50"
actions: {alarm: true}
period: 0
trigger: {kind: metrics}
expect:
  - {state: ALARM, old_state: UNDETERMINED, within: 1m}
`))
	if err != nil {
		t.Fatal(err)
	}
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	r.Scenario = sc.Scaled(labSpeed)
	rep := run(t, r, time.Minute)
	if rep.ExitCode != 1 {
		t.Fatalf("exit %d, want 1: %s", rep.ExitCode, rep.Error)
	}
	h := strings.Join(stage(rep, scenarios.StageDelivery).Hints, " | ")
	if !strings.Contains(h, "avg(...) > is evaluated once its 10m0s window has ended") || strings.Contains(h, "within seconds") {
		t.Errorf("delivery hints %q, want the avg window named", h)
	}
}

// A notifier that rejects the receiver's certificate is named as such; the
// network is not blamed after it.
func TestATLSRejectionIsNotFollowedByFirewall(t *testing.T) {
	cert, key, _ := testcert.SelfSigned(t)
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	r.Receiver.TLSCert, r.Receiver.TLSKey = cert, key
	rep := run(t, r, time.Minute)
	if rep.ExitCode != 1 {
		t.Fatalf("exit %d, want 1: %s", rep.ExitCode, rep.Error)
	}
	h := strings.Join(stage(rep, scenarios.StageDelivery).Hints, " | ")
	if !strings.Contains(h, "rejected our certificate") || strings.Contains(h, "firewall") {
		t.Errorf("delivery hints %q: want the certificate named and no firewall", h)
	}
}

// A delivery that arrived before the overall deadline counts even when
// its check (the GET of its alarm) only ends after the deadline.
func TestADeliveryThatArrivedInTimeCountsWhenItsCheckEndsAfterTheDeadline(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	proxied(t, r, l, func(proxy http.Handler) http.HandlerFunc {
		hide := hideAlarmList(proxy)
		return func(w http.ResponseWriter, req *http.Request) {
			if req.Method == http.MethodGet && strings.Contains(req.URL.Path, "/alarms/") {
				<-ctx.Done() // answered only once the run's deadline passed
			}
			hide(w, req)
		}
	})
	rep := r.Run(ctx)
	if rep.ExitCode != 0 {
		t.Fatalf("exit %d, want 0: %s\n%+v", rep.ExitCode, rep.Error, rep.Stages)
	}
	if len(rep.Deliveries) == 0 || !rep.Deliveries[0].Expected || !rep.Deliveries[0].ReceivedAt.Before(rep.StartedAt.Add(5*time.Second)) {
		t.Errorf("deliveries %+v: want the in-time delivery counted", rep.Deliveries)
	}
}
