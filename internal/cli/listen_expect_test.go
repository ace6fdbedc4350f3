package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/exitcode"
	"github.com/monhook/monhook/internal/clock"
	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/internal/lab/notifier"
	"github.com/monhook/monhook/internal/labtest"
	"github.com/monhook/monhook/openstack"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarmdefinitions"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarms"
	"github.com/monhook/monhook/receiver"
)

// expectLab is a lab with the operator's definition "cpu high" and one
// alarm of it in state.
func expectLab(t *testing.T, state string) (*lab.Lab, func(context.Context) (*openstack.Session, error), string) {
	t.Helper()
	l := labtest.Start(t, lab.Options{Hosts: -1})
	connect := labSession(t, l)
	s, err := connect(context.Background(), openstack.AuthFlags{})
	if err != nil {
		t.Fatal(err)
	}
	def, err := alarmdefinitions.Create(context.Background(), s.Monitoring, alarmdefinitions.CreateOpts{Name: "cpu high", Expression: "avg(cpu.idle_perc) < 10"}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	a, err := l.Store().CreateAlarm(model.Alarm{DefinitionID: def.ID, State: state,
		Metrics: []model.MetricDef{{Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "web1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	return l, sessionOf(connect), a.ID
}

func expectOptions(t *testing.T, session func(context.Context) (*openstack.Session, error), expect int, timeout time.Duration) *listenOptions {
	streams, _, stderr := TestStreams()
	o := &listenOptions{IO: streams, Output: "table", Clock: clock.Real{}, Listen: "127.0.0.1:0", RespondStatus: 200, MaxBody: 1 << 20,
		Register: true, Attach: "cpu high", AttachOn: []string{"alarm"}, Session: session, Expect: expect, Timeout: timeout}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("stderr:\n%s", stderr)
		}
	})
	return o
}

// moveTo PATCHes the alarm's state once the listener is registered.
func moveTo(t *testing.T, session func(context.Context) (*openstack.Session, error), alarmID string, states ...string) func(*receiver.Receiver) {
	return func(*receiver.Receiver) {
		s, err := session(context.Background())
		if err != nil {
			t.Error(err)
			return
		}
		for _, st := range states {
			if err := alarms.Patch(context.Background(), s.Monitoring, alarmID, alarms.PatchOpts{State: &st}).Err; err != nil {
				t.Error(err)
			}
		}
	}
}

func TestListenExpectIsAVerdictForAnExistingDefinition(t *testing.T) {
	_, session, alarmID := expectLab(t, "OK")
	o := expectOptions(t, session, 1, time.Minute)
	o.ready = moveTo(t, session, alarmID, "ALARM")
	streams, _, stderr := TestStreams()
	o.IO = streams
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := listenRun(ctx, o); err != nil {
		t.Fatalf("listenRun = %v, want nil once the delivery arrived\n%s", err, stderr)
	}
	// The time it took is printed like check's stage timings
	// (report.FormatDuration), not as a raw duration.
	met := regexp.MustCompile(`expectation met: 1 delivery of alarm definition "cpu high" in (\d+\.\dms|\d+ms|\d+\.\ds|\d+m\d\ds)\n`)
	if !met.MatchString(stderr.String()) {
		t.Errorf("stderr lacks %s:\n%s", met, stderr)
	}
}

func TestListenExpectExitsOneWhenTooFewArriveInTime(t *testing.T) {
	_, session, alarmID := expectLab(t, "OK")
	o := expectOptions(t, session, 2, 2*time.Second)
	o.ready = moveTo(t, session, alarmID, "ALARM")
	err := listenRun(context.Background(), o)
	if code := exitCode(context.Background(), err); code != exitcode.Of(exitcode.Fail) ||
		!strings.Contains(err.Error(), `expected 2 deliveries of alarm definition "cpu high" within 2s (--timeout), got 1`) {
		t.Fatalf("err = %v (exit %d), want exit 1 counting 1 of 2", err, code)
	}
}

// With --forward-to the consumer's 2xx is part of the verdict.
func TestListenExpectNeedsTheConsumersAnswer(t *testing.T) {
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("db down"))
	}))
	defer failing.Close()
	_, session, alarmID := expectLab(t, "OK")
	o := expectOptions(t, session, 1, 2*time.Second)
	o.ForwardTo = failing.URL + "/openstack/alerts"
	o.ready = moveTo(t, session, alarmID, "ALARM")
	err := listenRun(context.Background(), o)
	if code := exitCode(context.Background(), err); code != exitcode.Of(exitcode.Fail) ||
		!strings.Contains(err.Error(), o.ForwardTo+" did not take") || !strings.Contains(err.Error(), "answered 500 Internal Server Error: db down") {
		t.Fatalf("err = %v (exit %d), want exit 1 naming the consumer and its answer", err, code)
	}
}

// An alarm already in the state that fires sends nothing until a
// transition: listen says so before waiting.
func TestListenExpectWarnsWhenTheAlarmsAlreadyFire(t *testing.T) {
	_, session, _ := expectLab(t, "ALARM")
	streams, _, stderr := TestStreams()
	o := expectOptions(t, session, 1, 100*time.Millisecond)
	o.IO = streams
	err := listenRun(context.Background(), o)
	if code := exitCode(context.Background(), err); code != exitcode.Of(exitcode.Fail) {
		t.Fatalf("exit %d, want 1", code)
	}
	if want := `alarm definition "cpu high" has 1 alarm already in ALARM (of 1)`; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q lacks %q", stderr, want)
	}
}

// Each delivery's alarm is verified with GET /v2.0/alarms/{id}, as check
// does: a delivery naming the attached definition but an alarm that does
// not exist in the project, or one of another definition, is not counted.
func TestListenExpectVerifiesEachDeliverysAlarm(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		alarm      func(t *testing.T, l *lab.Lab, s *openstack.Session) string
	}{
		{"no such alarm", "answered 404, no such alarm in the caller's project", func(*testing.T, *lab.Lab, *openstack.Session) string {
			return "00000000-0000-0000-0000-000000000000"
		}},
		{"another definition's alarm", "not to", func(t *testing.T, l *lab.Lab, s *openstack.Session) string {
			other, err := alarmdefinitions.Create(context.Background(), s.Monitoring, alarmdefinitions.CreateOpts{Name: "disk full", Expression: "avg(disk.space_used_perc) > 90"}).Extract()
			if err != nil {
				t.Fatal(err)
			}
			a, err := l.Store().CreateAlarm(model.Alarm{DefinitionID: other.ID, State: "OK",
				Metrics: []model.MetricDef{{Name: "disk.space_used_perc", Dimensions: map[string]string{"hostname": "web1"}}}})
			if err != nil {
				t.Fatal(err)
			}
			return a.ID
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, session, alarmID := expectLab(t, "OK")
			s, err := session(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			genuine, err := alarms.Get(context.Background(), s.Monitoring, alarmID).Extract()
			if err != nil {
				t.Fatal(err)
			}
			forgedAlarm := tc.alarm(t, l, s)
			streams, _, stderr := TestStreams()
			o := expectOptions(t, session, 1, 2*time.Second)
			o.IO = streams
			o.ready = func(r *receiver.Receiver) {
				body, err := notifier.Body(model.Transition{AlarmID: forgedAlarm, DefinitionID: genuine.AlarmDefinition.ID,
					TenantID: s.ProjectID, AlarmName: "cpu high", OldState: "OK", NewState: "ALARM", Reason: "forged",
					Timestamp: time.Now(), Metrics: []model.MetricDef{{Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "web1"}}}})
				if err != nil {
					t.Error(err)
					return
				}
				resp, err := http.Post(r.CallbackURL(), "application/json", bytes.NewReader(body))
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
			}
			err = listenRun(context.Background(), o)
			if code := exitCode(context.Background(), err); code != exitcode.Of(exitcode.Fail) {
				t.Fatalf("err = %v (exit %d), want exit 1: the forged delivery was counted", err, code)
			}
			if !strings.Contains(stderr.String(), "not counted: delivery #1: ") || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr %q: want delivery #1 not counted because %q", stderr, tc.want)
			}
		})
	}
}
