package check_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/check"
	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/marker"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarmdefinitions"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarms"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
	"github.com/monhook/monhook/pause"
	"github.com/monhook/monhook/scenarios"
)

// quietRunner is the synthetic scenario with a value under the threshold:
// the alarm is created but never fires, so Monasca sends nothing and
// every delivery the run sees is one the test forged.
func quietRunner(t *testing.T, l *lab.Lab) *check.Runner {
	r := newRunner(t, l, "synthetic")
	r.Scenario.Metric.Values = []float64{10}
	return r
}

// runFacts is what a forger with read access to the project can learn:
// the callback URL with its token (the method's address), the definition,
// the alarm and the tenant.
type runFacts struct {
	callback, definitionID, definitionName, alarmID, tenant string
}

func learnRun(t *testing.T, target check.Target, runID string) runFacts {
	ctx := context.Background()
	var f runFacts
	f.tenant = target.ProjectID
	pages, err := notificationmethods.List(target.Client, notificationmethods.ListOpts{}).AllPages(ctx)
	if err != nil {
		t.Error(err)
		return f
	}
	ms, _ := notificationmethods.ExtractNotificationMethods(pages)
	for _, m := range ms {
		if strings.HasPrefix(m.Name, "monhook-"+runID) {
			f.callback = m.Address
		}
	}
	f.definitionName = "monhook-" + runID + "-alarm"
	pages, err = alarmdefinitions.List(target.Client, alarmdefinitions.ListOpts{Name: f.definitionName}).AllPages(ctx)
	if err != nil {
		t.Error(err)
		return f
	}
	ds, _ := alarmdefinitions.ExtractAlarmDefinitions(pages)
	if len(ds) == 1 {
		f.definitionID = ds[0].ID
	}
	// The delivery stage starts with the alarm poll, before the threshold
	// engine may have created the alarm: the forger waits for it, as it
	// would have to.
	deadline := time.Now().Add(10 * time.Second)
	for f.alarmID == "" && time.Now().Before(deadline) {
		pages, err = alarms.List(target.Client, alarms.ListOpts{AlarmDefinitionID: f.definitionID}).AllPages(ctx)
		if err != nil {
			t.Error(err)
			return f
		}
		as, _ := alarms.ExtractAlarms(pages)
		if len(as) > 0 {
			f.alarmID = as[0].ID
			break
		}
		_ = pause.For(ctx, 10*time.Millisecond)
	}
	return f
}

// forge POSTs a body shaped exactly like monasca-notification's, to the
// real callback path with the real token.
func forge(t *testing.T, f runFacts, change func(map[string]any)) {
	body := map[string]any{
		"alarm_id": f.alarmID, "alarm_definition_id": f.definitionID, "alarm_name": f.definitionName,
		"alarm_description": "", "alarm_timestamp": time.Now().Unix(), "state": "ALARM", "old_state": "UNDETERMINED",
		"message": "Thresholds were exceeded for the sub-alarms", "tenant_id": f.tenant,
		"metrics": []map[string]any{{"id": nil, "name": "monhook.synthetic", "dimensions": map[string]string{"monhook_run": "forgedaa"}}},
	}
	change(body)
	raw, _ := json.Marshal(body)
	resp, err := http.Post(f.callback, "application/json", bytes.NewReader(raw))
	if err != nil {
		t.Errorf("forging: %v", err)
		return
	}
	resp.Body.Close()
}

// Forged deliveries on the real callback path, with the real token, are
// reported and never counted: each departs from a genuine notification of
// this run in one respect the delivery stage checks. The control (every
// field right) is counted, which shows the forgeries did reach the stage.
func TestForgedDeliveriesAreReportedAndNeverCounted(t *testing.T) {
	l := startLab(t)
	tests := []struct {
		name   string
		change func(map[string]any)
		pass   bool
		check  func(t *testing.T, rep *report.Report)
	}{
		{"control: indistinguishable from Monasca", func(map[string]any) {}, true, nil},
		{"another tenant", func(b map[string]any) { b["tenant_id"] = "someone-else" }, false, wantFinding("wrong-tenant")},
		{"another alarm", func(b map[string]any) { b["alarm_id"] = "00000000-0000-0000-0000-000000000000" }, false, wantFinding("unknown-alarm")},
		{"another name", func(b map[string]any) { b["alarm_name"] = "monhook-forgedaa-other" }, false, wantFinding("wrong-name")},
		{"unexpected old_state", func(b map[string]any) { b["old_state"] = "OK" }, false, func(t *testing.T, rep *report.Report) {
			if h := strings.Join(stage(rep, scenarios.StageDelivery).Hints, " "); !strings.Contains(h, "received instead: OK→ALARM") {
				t.Errorf("delivery hints %q do not report the OK→ALARM delivery", h)
			}
		}},
		{"another definition", func(b map[string]any) { b["alarm_definition_id"] = "00000000-0000-0000-0000-000000000001" }, false, func(t *testing.T, rep *report.Report) {
			if len(rep.Strays) != 1 || rep.Strays[0].Reason != "not-this-run" {
				t.Errorf("strays %+v, want the forged delivery as not-this-run", rep.Strays)
			}
		}},
		{"not a notification", func(b map[string]any) { delete(b, "tenant_id") }, false, wantFinding("missing-key")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := quietRunner(t, l)
			r.RunID = marker.NewRunID()
			connect := r.Connect
			var target check.Target
			r.Connect = func(ctx context.Context) (check.Target, error) {
				tg, err := connect(ctx)
				target = tg
				return tg, err
			}
			r.Progress = func(s string) {
				if s == scenarios.StageDelivery {
					forge(t, learnRun(t, target, r.RunID), tt.change)
				}
			}
			rep := run(t, r, time.Minute)
			if tt.pass {
				if rep.ExitCode != 0 {
					t.Fatalf("control: exit %d (%s); the forged delivery never reached the stage", rep.ExitCode, rep.Error)
				}
				return
			}
			if rep.Verdict == report.VerdictPass || rep.ExitCode != 1 {
				t.Fatalf("verdict %s exit %d: a forged delivery made the run pass", rep.Verdict, rep.ExitCode)
			}
			for _, e := range rep.Expectations {
				if e.Got != 0 || e.Met {
					t.Errorf("expectation %+v counted the forged delivery", e)
				}
			}
			for _, d := range rep.Deliveries {
				if d.Expected {
					t.Errorf("delivery #%d counted: %+v", d.Seq, d)
				}
			}
			tt.check(t, rep)
			assertNothingLeft(t, l)
		})
	}
}

func wantFinding(code string) func(t *testing.T, rep *report.Report) {
	return func(t *testing.T, rep *report.Report) {
		t.Helper()
		for _, d := range rep.Deliveries {
			for _, f := range d.Findings {
				if f.Code == code {
					return
				}
			}
		}
		t.Errorf("no delivery with finding %q in %+v", code, rep.Deliveries)
	}
}
