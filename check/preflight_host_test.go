package check_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/check"
	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/labtest"
	"github.com/monhook/monhook/scenarios"
)

// postAgentMeasurements posts cpu.idle_perc for hostname at the given ages
// as the lab's agent user.
func postAgentMeasurements(t *testing.T, l *lab.Lab, rows map[string][]time.Duration) {
	t.Helper()
	u, _ := l.User("labagent")
	s, err := labtest.Connect(context.Background(), l, u)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	var batch []map[string]any
	for host, ages := range rows {
		for _, age := range ages {
			batch = append(batch, map[string]any{"name": "cpu.idle_perc", "value": 90,
				"timestamp": now.Add(-age).UnixMilli(), "dimensions": map[string]string{"hostname": host}})
		}
	}
	body, _ := json.Marshal(batch)
	if _, err := s.Monitoring.Post(context.Background(), s.Monitoring.ServiceURL("metrics"), json.RawMessage(body), nil,
		&gophercloud.RequestOpts{OkCodes: []int{http.StatusNoContent}}); err != nil {
		t.Fatal(err)
	}
}

// The cloud of issue 18: 300 hosts with data in the last 2 minutes but
// none in the last agent period, sorted before the one host reporting now.
// A page of the first hosts in group order holds only stale ones; the
// preflight must still watch the host that reports now.
func TestCPUIdleWatchesAHostThatReportsNowOnABigCloud(t *testing.T) {
	l := labtest.Start(t, lab.Options{Speed: labSpeed, Hosts: -1})
	rows := map[string][]time.Duration{"zz-reporting-now": {2 * time.Second}}
	for h := range 300 {
		rows[fmt.Sprintf("aa-stale-%03d", h)] = []time.Duration{50 * time.Second, 65 * time.Second, 80 * time.Second, 95 * time.Second}
	}
	postAgentMeasurements(t, l, rows)
	sc, err := scenarios.Builtin("cpu-idle")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r := &check.Runner{Scenario: sc.Scaled(labSpeed), Connect: connectAs(t, l, "labuser"),
		Progress: func(stage string) {
			if stage == scenarios.StageReceiver {
				cancel() // preflight is done: create nothing
			}
		}}
	rep := r.Run(ctx)
	pf := stage(rep, scenarios.StagePreflight)
	if pf.Status != "ok" || !strings.Contains(pf.Detail, "watching zz-reporting-now") {
		t.Fatalf("preflight %+v, want it watching the host that reports now", pf)
	}
}
