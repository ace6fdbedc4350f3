package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/internal/clock/clocktest"
	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/labtest"
	"github.com/monhook/monhook/marker"
	"github.com/monhook/monhook/openstack"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarmdefinitions"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
)

func startCleanupLab(t *testing.T) (*lab.Lab, *gophercloud.ServiceClient) {
	t.Helper()
	l := labtest.Start(t, lab.Options{Hosts: -1})
	s, err := labSession(t, l)(context.Background(), openstack.AuthFlags{})
	if err != nil {
		t.Fatal(err)
	}
	return l, s.Monitoring
}

// runCleanupWith runs `monhook cleanup -o json args...` against the lab
// through session, with the factory clock at now.
func runCleanupWith(t *testing.T, session func(context.Context, openstack.AuthFlags) (*openstack.Session, error), now time.Time, args ...string) (int, []leftover, string) {
	t.Helper()
	streams, out, errOut := TestStreams()
	f := NewFactory(streams, "test")
	f.Connect = session
	f.Clock = clocktest.New(now)
	code := execute(context.Background(), f, NewCmdRoot(f), append([]string{"cleanup", "-o", "json"}, args...))
	var doc cleanupDocument
	if out.Len() > 0 {
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
			t.Fatalf("cleanup output %q: %v", out.String(), err)
		}
	}
	return code, doc.Resources, errOut.String()
}

func mustCreateMethod(t *testing.T, c *gophercloud.ServiceClient, name, typ, address string) string {
	t.Helper()
	m, err := notificationmethods.Create(context.Background(), c, notificationmethods.CreateOpts{Name: name, Type: typ, Address: address}).Extract()
	if err != nil {
		t.Fatalf("creating method %s: %v", name, err)
	}
	return m.ID
}

// Cleanup deletes a notification method only when it is a WEBHOOK and its
// name is exactly monhook's marker: not an EMAIL method with a marked
// name, not a name that merely looks like one.
func TestCleanupTouchesOnlyMarkedWebhookMethods(t *testing.T) {
	l, c := startCleanupLab(t)
	created := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	ours := mustCreateMethod(t, c, marker.MethodName("aaaaaaaa", created), "WEBHOOK", "http://127.0.0.1:1/x")
	untouched := map[string]string{
		"email with the marker":   mustCreateMethod(t, c, marker.MethodName("bbbbbbbb", created), "EMAIL", "ops@example.com"),
		"marker plus a suffix":    mustCreateMethod(t, c, marker.MethodName("cccccccc", created)+"-prod", "WEBHOOK", "http://127.0.0.1:1/x"),
		"upper-case run id":       mustCreateMethod(t, c, "monhook-DDDDDDDD-webhook-20261101T120000Z", "WEBHOOK", "http://127.0.0.1:1/x"),
		"no creation time":        mustCreateMethod(t, c, "monhook-eeeeeeee-webhook", "WEBHOOK", "http://127.0.0.1:1/x"),
		"impossible date":         mustCreateMethod(t, c, "monhook-ffffffff-webhook-20261399T250000Z", "WEBHOOK", "http://127.0.0.1:1/x"),
		"prefix only":             mustCreateMethod(t, c, "monhook-webhook", "WEBHOOK", "http://127.0.0.1:1/x"),
		"run id one letter short": mustCreateMethod(t, c, "monhook-ggggggg-webhook-20261101T120000Z", "WEBHOOK", "http://127.0.0.1:1/x"),
	}
	code, found, stderr := runCleanupWith(t, labSession(t, l), created.Add(time.Hour))
	if code != 0 || len(found) != 1 || found[0].ID != ours || !found[0].Deleted {
		t.Fatalf("exit %d (%s), found %+v; want only %s, deleted", code, stderr, found, ours)
	}
	for what, id := range untouched {
		if _, err := notificationmethods.Get(context.Background(), c, id).Extract(); err != nil {
			t.Errorf("%s (%s) was deleted: %v", what, id, err)
		}
	}
}

// --older-than D keeps a resource created exactly D ago: "at least this
// long ago" includes the boundary; one second younger (the marker's
// resolution) is left alone.
func TestCleanupOlderThanIncludesTheBoundary(t *testing.T) {
	l, c := startCleanupLab(t)
	created := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	mustCreateMethod(t, c, marker.MethodName("aaaaaaaa", created), "WEBHOOK", "http://127.0.0.1:1/x")
	if _, err := alarmdefinitions.Create(context.Background(), c, alarmdefinitions.CreateOpts{
		Name: marker.ResourceName("aaaaaaaa", "alarm"), Description: marker.Description("aaaaaaaa", created),
		Expression: "max(x{run=aaaaaaaa}) > 1"}).Extract(); err != nil {
		t.Fatal(err)
	}
	session := labSession(t, l)
	if code, found, _ := runCleanupWith(t, session, created.Add(time.Hour-time.Second), "--dry-run", "--older-than", "1h"); code != 0 || len(found) != 0 {
		t.Errorf("59m59s old with --older-than 1h: exit %d, found %+v; want nothing", code, found)
	}
	if code, found, _ := runCleanupWith(t, session, created.Add(time.Hour), "--dry-run", "--older-than", "1h"); code != 0 || len(found) != 2 {
		t.Errorf("exactly 1h old with --older-than 1h: exit %d, found %+v; want both", code, found)
	}
}

// One DELETE failing out of two: the other resource is deleted, the failed
// one is listed with its error, and the exit is 4.
func TestCleanupPartialFailureExitsFour(t *testing.T) {
	l, c := startCleanupLab(t)
	created := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	methodID := mustCreateMethod(t, c, marker.MethodName("aaaaaaaa", created), "WEBHOOK", "http://127.0.0.1:1/x")
	def, err := alarmdefinitions.Create(context.Background(), c, alarmdefinitions.CreateOpts{
		Name: marker.ResourceName("aaaaaaaa", "alarm"), Description: marker.Description("aaaaaaaa", created),
		Expression: "max(x{run=aaaaaaaa}) > 1"}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	api := labtest.FailDeletes(t, c.ResourceBaseURL(), func(r *http.Request) bool {
		return strings.Contains(r.URL.Path, "/notification-methods/")
	})
	session := func(ctx context.Context, fl openstack.AuthFlags) (*openstack.Session, error) {
		s, err := labSession(t, l)(ctx, fl)
		if err != nil {
			return nil, err
		}
		s.Monitoring = openstack.NewMonitoringV2FromURL(s.Monitoring.ProviderClient, api)
		return s, nil
	}
	code, found, stderr := runCleanupWith(t, session, created.Add(time.Hour))
	if code != 4 {
		t.Fatalf("exit %d (%s), want 4", code, stderr)
	}
	for _, f := range found {
		switch f.ID {
		case def.ID:
			if !f.Deleted {
				t.Errorf("the definition was not deleted: %+v", f)
			}
		case methodID:
			if f.Deleted || !strings.Contains(f.Error, "500") {
				t.Errorf("the method's failure is not listed: %+v", f)
			}
		}
	}
	if !strings.Contains(stderr, "1 of 2") {
		t.Errorf("stderr %q does not say how many could not be deleted", stderr)
	}
	if _, err := alarmdefinitions.Get(context.Background(), c, def.ID).Extract(); err == nil {
		t.Error("the definition is still there")
	}
}
