package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/labtest"
	"github.com/monhook/monhook/marker"
	"github.com/monhook/monhook/openstack"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarmdefinitions"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
)

// labSession connects to an in-process lab as its monasca-user.
func labSession(t *testing.T, l *lab.Lab) func(context.Context, openstack.AuthFlags) (*openstack.Session, error) {
	return func(ctx context.Context, _ openstack.AuthFlags) (*openstack.Session, error) {
		return labtest.Connect(ctx, l, l.Credentials())
	}
}

type seeded struct{ oldRun, newRun, lookalikeDef, foreignMethod string }

// seedLeftovers creates two runs' leftovers (one two hours old) and two
// resources that only look like monhook's.
func seedLeftovers(t *testing.T, c *gophercloud.ServiceClient, now time.Time) seeded {
	t.Helper()
	ctx := context.Background()
	s := seeded{oldRun: "aaaaaaaa", newRun: "bbbbbbbb"}
	for run, created := range map[string]time.Time{s.oldRun: now.Add(-2 * time.Hour), s.newRun: now} {
		m, err := notificationmethods.Create(ctx, c, notificationmethods.CreateOpts{
			Name: marker.MethodName(run, created), Type: "WEBHOOK", Address: "http://127.0.0.1:1/x"}).Extract()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := alarmdefinitions.Create(ctx, c, alarmdefinitions.CreateOpts{
			Name: marker.ResourceName(run, "alarm"), Description: marker.Description(run, created),
			Expression: "max(x{run=" + run + "}) > 1", AlarmActions: []string{m.ID}}).Extract(); err != nil {
			t.Fatal(err)
		}
	}
	d, err := alarmdefinitions.Create(ctx, c, alarmdefinitions.CreateOpts{
		Name: marker.ResourceName("cccccccc", "alarm"), Description: "someone else's, same name shape",
		Expression: "max(y{a=b}) > 1"}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	s.lookalikeDef = d.ID
	m, err := notificationmethods.Create(ctx, c, notificationmethods.CreateOpts{
		Name: "monhook-ops-pager", Type: "WEBHOOK", Address: "http://127.0.0.1:1/ops"}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	s.foreignMethod = m.ID
	return s
}

func runCleanup(t *testing.T, l *lab.Lab, args ...string) (int, []leftover) {
	t.Helper()
	streams, out, errOut := TestStreams()
	f := NewFactory(streams, "test")
	f.Connect = labSession(t, l)
	root := NewCmdRoot(f)
	root.SetArgs(append([]string{"cleanup", "-o", "json"}, args...))
	_, err := root.ExecuteC()
	code := exitCode(context.Background(), err)
	var doc cleanupDocument
	if code == 0 {
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
			t.Fatalf("cleanup output %q: %v (stderr %q)", out.String(), err, errOut.String())
		}
		if doc.SchemaVersion != 1 {
			t.Fatalf("cleanup -o json schema_version %d, want 1: %s", doc.SchemaVersion, out.String())
		}
	}
	return code, doc.Resources
}

func TestCleanupDeletesOnlyMarkedResourcesHonouringFilters(t *testing.T) {
	l := labtest.Start(t, lab.Options{Hosts: -1})
	s, err := labSession(t, l)(context.Background(), openstack.AuthFlags{})
	if err != nil {
		t.Fatal(err)
	}
	seed := seedLeftovers(t, s.Monitoring, time.Now())

	code, found := runCleanup(t, l, "--dry-run")
	if code != 0 || len(found) != 4 {
		t.Fatalf("dry run: exit %d, found %+v; want both runs' 4 resources", code, found)
	}
	for _, f := range found {
		if f.Deleted {
			t.Errorf("--dry-run deleted %s", f.ID)
		}
	}

	code, found = runCleanup(t, l, "--older-than", "1h")
	if code != 0 || len(found) != 2 || found[0].RunID != seed.oldRun || !found[0].Deleted {
		t.Fatalf("--older-than 1h: exit %d, %+v; want only the old run, deleted", code, found)
	}

	code, found = runCleanup(t, l, "--run-id", seed.newRun)
	if code != 0 || len(found) != 2 || found[0].RunID != seed.newRun {
		t.Fatalf("--run-id: exit %d, %+v", code, found)
	}

	if _, err := alarmdefinitions.Get(context.Background(), s.Monitoring, seed.lookalikeDef).Extract(); err != nil {
		t.Errorf("a definition without monhook's description marker was deleted: %v", err)
	}
	if _, err := notificationmethods.Get(context.Background(), s.Monitoring, seed.foreignMethod).Extract(); err != nil {
		t.Errorf("a method without monhook's marker was deleted: %v", err)
	}
	if code, found = runCleanup(t, l); code != 0 || len(found) != 0 {
		t.Errorf("after cleanup: exit %d, still found %+v", code, found)
	}
}

// TestCleanupNoneFoundNamesTheFilters: "no monhook leftovers found" after
// --older-than 1h read as a clean project while newer leftovers remained.
func TestCleanupNoneFoundNamesTheFilters(t *testing.T) {
	l := labtest.Start(t, lab.Options{Hosts: -1})
	s, err := labSession(t, l)(context.Background(), openstack.AuthFlags{})
	if err != nil {
		t.Fatal(err)
	}
	seedLeftovers(t, s.Monitoring, time.Now().Add(time.Hour)) // both runs newer than 1h
	streams, _, errOut := TestStreams()
	f := NewFactory(streams, "test")
	f.Connect = labSession(t, l)
	root := NewCmdRoot(f)
	root.SetArgs([]string{"cleanup", "--dry-run", "--older-than", "2h", "--run-id", "cccccccc"})
	if _, err := root.ExecuteC(); err != nil {
		t.Fatal(err)
	}
	if want := "no monhook leftovers found of run cccccccc older than 2h0m0s"; !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr %q, want %q", errOut.String(), want)
	}
}

func TestCleanupRejectsAMalformedRunID(t *testing.T) {
	code, _, stderr := runCLI(t, "cleanup", "--run-id", "x")
	if code != 2 {
		t.Errorf("exit %d (%s), want 2", code, stderr)
	}
}

// TestCleanupTimeoutIsNamed: --timeout 0 started and failed with the HTTP
// client's "context deadline exceeded"; a deadline that runs out is named.
func TestCleanupTimeoutIsNamed(t *testing.T) {
	if code, _, stderr := runCLI(t, "cleanup", "--timeout", "0"); code != 2 || !strings.Contains(stderr, "--timeout must be positive") {
		t.Errorf("--timeout 0: exit %d, %q; want 2 naming --timeout", code, stderr)
	}
	streams, _, _ := TestStreams()
	o := &cleanupOptions{IO: streams, Now: time.Now, Output: func() string { return "table" }, Timeout: 10 * time.Millisecond,
		Session: func(ctx context.Context) (*openstack.Session, error) {
			<-ctx.Done() // Keystone that never answers
			return nil, ctx.Err()
		}}
	err := cleanupRun(context.Background(), o)
	if code := exitCode(context.Background(), err); code != 3 || !strings.Contains(err.Error(), "--timeout 10ms ran out while logging in") {
		t.Errorf("err %v (exit %d); want exit 3 naming --timeout", err, code)
	}
}

// At 80 columns the cleanup table prints every id whole: they are what
// an operator pastes into a delete.
func TestCleanupTablePrintsEveryIDWhole(t *testing.T) {
	t.Setenv("COLUMNS", "80")
	streams, out, _ := TestStreams()
	o := &cleanupOptions{IO: streams, Output: func() string { return "table" }}
	found := []leftover{
		{Kind: "alarm-definition", ID: "ea214990-17a1-476b-b52b-2578667360b8", Name: "monhook-wq3jdxmm-alarm"},
		{Kind: "notification-method", ID: "2061d476-06b7-45ea-9685-3350562f3de9", Name: "monhook-wq3jdxmm-webhook-20261207T031043Z", Error: "DELETE http://127.0.0.1:45153/monitoring/v2.0/notification-methods/2061d476-06b7-45ea-9685-3350562f3de9: 503"},
	}
	if err := writeLeftovers(o, found); err != nil {
		t.Fatal(err)
	}
	for _, l := range found {
		// Every occurrence of the id's start is the whole id.
		if strings.Count(out.String(), l.ID[:9]) != strings.Count(out.String(), l.ID) {
			t.Errorf("%s is split:\n%s", l.ID, out)
		}
		if !strings.Contains(out.String(), l.Name) {
			t.Errorf("%s is split:\n%s", l.Name, out)
		}
	}
	if !strings.Contains(out.String(), "http://127.0.0.1:45153/monitoring/v2.0/notification-methods/2061d476-06b7-45ea-9685-3350562f3de9:") {
		t.Errorf("the URL in the error is split:\n%s", out)
	}
}
