package serve

import (
	"context"
	"sort"
	"testing"
	"time"

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
