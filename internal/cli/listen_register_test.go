package cli

import (
	"context"
	"github.com/monhook/monhook/exitcode"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/internal/clock"
	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/internal/labtest"
	"github.com/monhook/monhook/marker"
	"github.com/monhook/monhook/openstack"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarmdefinitions"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarms"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
	"github.com/monhook/monhook/receiver"
)

// TestListenRegisterTheStripeWay: `listen --register --attach` against the
// in-process lab creates a marked method pointing at the listener, adds it
// to the operator's definition, receives the lab's real webhook for that
// definition, and on exit leaves the project as it found it.
func TestListenRegisterTheStripeWay(t *testing.T) {
	l := labtest.Start(t, lab.Options{Hosts: -1})
	connect := labSession(t, l)
	s, err := connect(context.Background(), openstack.AuthFlags{})
	if err != nil {
		t.Fatal(err)
	}
	c := s.Monitoring
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	theirs, err := notificationmethods.Create(ctx, c, notificationmethods.CreateOpts{Name: "ops", Type: "WEBHOOK", Address: "http://127.0.0.1:9/ops"}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	def, err := alarmdefinitions.Create(ctx, c, alarmdefinitions.CreateOpts{Name: "cpu high", Expression: "avg(cpu.idle_perc) < 10", AlarmActions: []string{theirs.ID}}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	alarm, err := l.Store().CreateAlarm(model.Alarm{DefinitionID: def.ID, Metrics: []model.MetricDef{{Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "web1"}}}})
	if err != nil {
		t.Fatal(err)
	}

	streams, stdout, stderr := TestStreams()
	o := &listenOptions{IO: streams, Output: "table", Clock: clock.Real{}, Listen: "127.0.0.1:0", RespondStatus: 200, MaxBody: 1 << 20,
		Register: true, Attach: "cpu high", AttachOn: []string{"alarm"}, Session: sessionOf(connect)}
	listenCtx, stop := context.WithCancel(ctx)
	var ours string
	o.ready = func(r *receiver.Receiver) {
		defer stop()
		ms := methodsByName(t, c)
		for name, m := range ms {
			if _, ok := marker.ParseMethodMarker(name); ok {
				ours = m.ID
				if m.Address != r.CallbackURL() || m.Type != "WEBHOOK" {
					t.Errorf("registered method %+v, want WEBHOOK to %s", m, r.CallbackURL())
				}
			}
		}
		d, _ := alarmdefinitions.Get(ctx, c, def.ID).Extract()
		if ours == "" || !slices.Equal(d.AlarmActions, []string{theirs.ID, ours}) {
			t.Errorf("methods %v; definition's alarm actions %v, want the operator's and ours", ms, d.AlarmActions)
			return
		}
		state := "ALARM"
		if err := alarms.Patch(ctx, c, alarm.ID, alarms.PatchOpts{State: &state}).Err; err != nil {
			t.Error(err)
			return
		}
		got, err := r.Await(ctx, func(d receiver.Delivery) bool { return d.Notification != nil && d.Notification.AlarmID == alarm.ID })
		if err != nil {
			t.Errorf("no delivery from the lab: %v", err)
			return
		}
		if len(got.Findings) != 0 {
			t.Errorf("the lab's own delivery has findings: %+v", got.Findings)
		}
	}
	if err := listenRun(listenCtx, o); err != nil {
		t.Fatalf("listenRun = %v; stderr %s", err, stderr)
	}
	if !strings.Contains(stdout.String(), `"cpu high"  alarm `+alarm.ID) || !strings.Contains(stdout.String(), "cpu.idle_perc{hostname=web1}") {
		t.Errorf("stdout %q: want the delivery line with alarm id and host", stdout)
	}
	for _, want := range []string{"registered notification method " + ours, `attached to alarm definition "cpu high"`, "removed notification method " + ours} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q lacks %q", stderr, want)
		}
	}
	// Left as found: our method gone, the operator's actions untouched.
	if _, err := notificationmethods.Get(ctx, c, ours).Extract(); !gophercloud.ResponseCodeIs(err, 404) {
		t.Errorf("our method is still there: %v", err)
	}
	d, _ := alarmdefinitions.Get(ctx, c, def.ID).Extract()
	if !slices.Equal(d.AlarmActions, []string{theirs.ID}) {
		t.Errorf("alarm actions after exit %v, want %v", d.AlarmActions, []string{theirs.ID})
	}
}

func TestListenRegisterUnknownDefinitionExitsTwoLeavingNothing(t *testing.T) {
	l := labtest.Start(t, lab.Options{Hosts: -1})
	connect := labSession(t, l)
	streams, _, _ := TestStreams()
	o := &listenOptions{IO: streams, Output: "table", Clock: clock.Real{}, Listen: "127.0.0.1:0", RespondStatus: 200, MaxBody: 1 << 20,
		Register: true, Attach: "no such", AttachOn: []string{"alarm"}, Session: sessionOf(connect),
		ready: func(*receiver.Receiver) { t.Error("listener became ready with a definition that does not exist") }}
	err := listenRun(context.Background(), o)
	if code := exitCode(context.Background(), err); code != exitcode.Of(exitcode.Usage) || !strings.Contains(err.Error(), `"no such"`) {
		t.Fatalf("err = %v (exit %d), want exit 2 naming the definition", err, code)
	}
	s, _ := connect(context.Background(), openstack.AuthFlags{})
	if ms := methodsByName(t, s.Monitoring); len(ms) != 0 {
		t.Errorf("methods left: %v", ms)
	}
}

func methodsByName(t *testing.T, c *gophercloud.ServiceClient) map[string]notificationmethods.NotificationMethod {
	t.Helper()
	pages, err := notificationmethods.List(c, notificationmethods.ListOpts{}).AllPages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := notificationmethods.ExtractNotificationMethods(pages)
	out := map[string]notificationmethods.NotificationMethod{}
	for _, m := range ms {
		out[m.Name] = m
	}
	return out
}

func sessionOf(connect func(context.Context, openstack.AuthFlags) (*openstack.Session, error)) func(context.Context) (*openstack.Session, error) {
	return func(ctx context.Context) (*openstack.Session, error) { return connect(ctx, openstack.AuthFlags{}) }
}

// TestListenRegisterAsReadOnlyUserGivesTheRoleHint: a user without
// monasca-user got gophercloud's "Unable to re-authenticate: Expected HTTP
// response code [201]…" text; check and cleanup name the missing role.
func TestListenRegisterAsReadOnlyUserGivesTheRoleHint(t *testing.T) {
	l := labtest.Start(t, lab.Options{Hosts: -1})
	reader := labtest.User(t, l, "labreader")
	streams, _, _ := TestStreams()
	o := &listenOptions{IO: streams, Output: "table", Clock: clock.Real{}, Listen: "127.0.0.1:0", RespondStatus: 200, MaxBody: 1 << 20,
		Register: true, AttachOn: []string{"alarm"},
		Session: func(ctx context.Context) (*openstack.Session, error) { return labtest.Connect(ctx, l, reader) },
		ready:   func(*receiver.Receiver) { t.Error("listener became ready though the method could not be created") }}
	err := listenRun(context.Background(), o)
	if code := exitCode(context.Background(), err); code != exitcode.Of(exitcode.CannotRun) || !strings.Contains(err.Error(), "monasca-user") {
		t.Fatalf("err = %v (exit %d), want exit 3 naming the monasca-user role", err, code)
	}
	if strings.Contains(err.Error(), "Unable to re-authenticate") {
		t.Errorf("err = %v: gophercloud's text, not the explanation", err)
	}
}
