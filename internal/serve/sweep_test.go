package serve

import (
	"context"
	"sort"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/monhook/monhook/marker"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarmdefinitions"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
)

func TestStartupSweepRemovesOnlyThisInstancesOldLeftovers(t *testing.T) {
	l := startLab(t)
	ctx := context.Background()
	conn, err := l.connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	create := func(runID string, created time.Time) {
		t.Helper()
		if _, err := alarmdefinitions.Create(ctx, conn.Client, alarmdefinitions.CreateOpts{
			Name: marker.ResourceName(runID, "alarm"), Description: marker.Description(runID, created),
			Expression: "max(monhook.synthetic{monhook_run=" + runID + "}) > 50",
		}).Extract(); err != nil {
			t.Fatal(err)
		}
		if _, err := notificationmethods.Create(ctx, conn.Client, notificationmethods.CreateOpts{
			Name: marker.MethodName(runID, created), Type: "WEBHOOK", Address: "http://127.0.0.1:1/x",
		}).Extract(); err != nil {
			t.Fatal(err)
		}
	}
	create("abcdaaaa", now.Add(-2*time.Hour)) // ours, old: swept
	create("abcdbbbb", now.Add(-time.Minute)) // ours, recent (could be running): kept
	create("wxyzaaaa", now.Add(-2*time.Hour)) // another instance's: kept
	if _, err := alarmdefinitions.Create(ctx, conn.Client, alarmdefinitions.CreateOpts{
		Name: "monhook-prod-alerts", Expression: "max(cpu.idle_perc) < 10"}).Extract(); err != nil {
		t.Fatal(err)
	}

	s := startServer(t, l, Config{InstanceID: "abcd", SweepOlderThan: time.Hour})
	select {
	case <-s.SweepDone():
	case <-time.After(time.Minute):
		t.Fatal("the sweep did not finish")
	}
	defs, methods := l.resources(t)
	var left []string
	for _, d := range defs {
		left = append(left, d.Name)
	}
	for _, m := range methods {
		left = append(left, m.Name[:len("monhook-xxxxxxxx")])
	}
	sort.Strings(left)
	want := []string{"monhook-abcdbbbb", "monhook-abcdbbbb-alarm", "monhook-prod-alerts", "monhook-wxyzaaaa", "monhook-wxyzaaaa-alarm"}
	if len(left) != len(want) {
		t.Fatalf("left after the sweep: %v, want %v", left, want)
	}
	for i := range want {
		if left[i] != want[i] {
			t.Fatalf("left after the sweep: %v, want %v", left, want)
		}
	}
	exp := parseMetrics(t, get(t, s.URL()+"/metrics").body)
	if v := mustValue(t, exp, "monhook_swept_resources_total", "outcome", "deleted"); v != 2 {
		t.Errorf("swept deleted = %v, want 2", v)
	}
}

// After start-up, the sweep keeps running (no targets needed): a dead
// process's leftover that comes of age later is deleted by a later sweep;
// a leak this process's finished run reported goes at once, whatever its
// age; a young leftover (a twin's run in flight) stays. What it did is
// counted per cloud.
func TestPeriodicSweepTakesADeadProcesssLeftoversAndOwnLeaksOnly(t *testing.T) {
	l := startLab(t)
	ctx := context.Background()
	conn, err := l.connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	createDef := func(runID string, created time.Time) string {
		t.Helper()
		d, err := alarmdefinitions.Create(ctx, conn.Client, alarmdefinitions.CreateOpts{
			Name: marker.ResourceName(runID, "alarm"), Description: marker.Description(runID, created),
			Expression: "max(monhook.synthetic{monhook_run=" + runID + "}) > 50",
		}).Extract()
		if err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	s := startServer(t, l, Config{InstanceID: "abcd", SweepInterval: 20 * time.Millisecond, ProbeTimeout: 10 * time.Second})
	<-s.SweepDone()
	age := s.Config().sweepAge() // 10s + the teardown allowance
	// Created after the start-up sweep: only a later sweep can see them.
	createDef("abcdaaaa", time.Now().Add(-age-time.Second)) // a dead process's: swept
	twin := createDef("abcdtwin", time.Now())               // young, a twin's in flight: kept
	leak := createDef("abcdleak", time.Now())               // young, but our finished run's leak: swept
	s.leaks.add("", []leftover{{Kind: marker.KindAlarmDefinition, ID: leak, Name: marker.ResourceName("abcdleak", "alarm"), Marker: marker.Marker{RunID: "abcdleak"}}})
	awaitMetric(t, s, "two leftovers deleted", func(m map[string]*dto.MetricFamily) bool {
		mm, ok := sample(m, "monhook_swept_resources_total", "outcome", "deleted")
		return ok && value(mm) == 2
	})
	defs, _ := l.resources(t)
	if len(defs) != 1 || defs[0].ID != twin {
		var names []string
		for _, d := range defs {
			names = append(names, d.Name)
		}
		t.Errorf("left after the sweeps: %v, want only the twin's young monhook-abcdtwin-alarm", names)
	}
	exp := parseMetrics(t, get(t, s.URL()+"/metrics").body)
	if v := mustValue(t, exp, "monhook_swept_resources_total", "cloud", "env", "outcome", "found"); v != 2 {
		t.Errorf("found = %v, want 2", v)
	}
	if v := mustValue(t, exp, "monhook_leftover_resources", "cloud", "env"); v != 0 {
		t.Errorf("leftovers = %v, want 0 once deleted", v)
	}
}

// The sweep never deletes a resource of this process's run in flight,
// however old it looks.
func TestSweepSparesRunsInFlight(t *testing.T) {
	l := startLab(t)
	ctx := context.Background()
	conn, err := l.connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := startServer(t, l, Config{InstanceID: "abcd", NoSweep: true})
	id := s.ids.next() // a run in flight
	defer s.ids.release(id)
	if _, err := alarmdefinitions.Create(ctx, conn.Client, alarmdefinitions.CreateOpts{
		Name: marker.ResourceName(id, "alarm"), Description: marker.Description(id, time.Now().Add(-24*time.Hour)),
		Expression: "max(monhook.synthetic{monhook_run=" + id + "}) > 50",
	}).Extract(); err != nil {
		t.Fatal(err)
	}
	s.sweepCloud("", time.Hour)
	if defs, _ := l.resources(t); len(defs) != 1 {
		t.Errorf("the sweep deleted a run in flight's definition")
	}
	s.ids.release(id)
	s.sweepCloud("", time.Hour)
	if defs, _ := l.resources(t); len(defs) != 0 {
		t.Errorf("once the run is over its old leftover stays: %d", len(defs))
	}
}
