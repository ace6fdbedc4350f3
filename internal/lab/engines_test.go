package lab_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/clock/clocktest"
	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/internal/lab/store"
)

// TestPostedMetricDrivesTheThresholdEngine: a definition created through the
// API reaches the evaluator, and a metric posted through the API creates an
// alarm that goes to ALARM at once (max(...) > X is evaluated immediately).
func TestPostedMetricDrivesTheThresholdEngine(t *testing.T) {
	clk := clocktest.New(time.Date(2026, 11, 26, 10, 0, 30, 0, time.UTC))
	l := startLab(t, lab.Options{Clock: clk, Hosts: -1})
	events, cancel := l.Bus().Subscribe()
	defer cancel()
	apiCall(t, l, "labuser", "POST", "/alarm-definitions", `{"name":"hot","expression":"max(cpu.idle_perc{hostname=h1}) > 14","match_by":["hostname"]}`)
	ms := clk.Now().UnixMilli()
	apiCall(t, l, "labuser", "POST", "/metrics", `{"name":"cpu.idle_perc","dimensions":{"hostname":"h1"},"value":20,"timestamp":`+strconv.FormatInt(ms, 10)+`}`)
	for ev := range eventsWithin(t, events, 10*time.Second) {
		tr, ok := ev.(model.AlarmTransitioned)
		if !ok {
			continue
		}
		if tr.Transition.NewState != model.StateAlarm || tr.Transition.AlarmName != "hot" {
			t.Fatalf("transition %+v", tr.Transition)
		}
		a, ok := l.Store().Alarm(tr.Transition.AlarmID)
		if !ok || a.State != model.StateAlarm {
			t.Fatalf("stored alarm %+v", a)
		}
		return
	}
	t.Fatal("bus closed before the transition")
}

// TestManualStateChangeIsDeliveredAsAWebhook: PATCH /alarms/{id} with a new
// state reaches a webhook through the notification engine, with Monasca's
// payload.
func TestManualStateChangeIsDeliveredAsAWebhook(t *testing.T) {
	got := make(chan map[string]any, 1)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		got <- body
	}))
	defer hook.Close()

	l := startLab(t, lab.Options{Hosts: -1})
	nm := apiCall(t, l, "labuser", "POST", "/notification-methods", `{"name":"h","type":"WEBHOOK","address":"`+hook.URL+`"}`)["id"].(string)
	def := apiCall(t, l, "labuser", "POST", "/alarm-definitions", `{"name":"api","expression":"m > 1","alarm_actions":["`+nm+`"]}`)["id"].(string)
	a, err := l.Store().CreateAlarm(model.Alarm{DefinitionID: def, Metrics: []model.MetricDef{{Name: "m", Dimensions: map[string]string{}}}})
	if err != nil {
		t.Fatal(err)
	}
	apiCall(t, l, "labuser", "PATCH", "/alarms/"+a.ID, `{"state":"ALARM"}`)
	var body map[string]any
	select {
	case body = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook within 10 s of the state change")
	}
	if body["alarm_id"] != a.ID || body["state"] != "ALARM" || body["old_state"] != "UNDETERMINED" ||
		body["message"] != "Alarm state updated via API" || body["tenant_id"] != l.Credentials().ProjectID {
		t.Fatalf("webhook body %v", body)
	}
}

// TestAgentsPostIntoTheLabProject: the simulated hosts' cpu.idle_perc is
// visible through GET /metrics to the lab project's users only.
func TestAgentsPostIntoTheLabProject(t *testing.T) {
	clk := clocktest.New(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	l := lab.New(lab.Options{Clock: clk, Hosts: 2})
	events, cancel := l.Bus().Subscribe()
	defer cancel()
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for ev := range eventsWithin(t, events, 10*time.Second) {
		if _, ok := ev.(model.MetricsReceived); ok {
			break
		}
	}
	if got := l.Hostnames(); len(got) != 2 {
		t.Fatalf("hostnames %v", got)
	}
	if els := metricElements(t, l, "labreader"); len(els) != 2 {
		t.Fatalf("lab project sees %v", els)
	}
	if els := metricElements(t, l, "otheruser"); len(els) != 0 {
		t.Fatalf("other project sees %v", els)
	}
}

// eventsWithin yields the bus events that arrive within d of the call and
// fails the test once d has passed: a test waiting for an event that never
// comes fails instead of hanging.
func eventsWithin(t *testing.T, events <-chan any, d time.Duration) func(yield func(any) bool) {
	t.Helper()
	deadline := time.After(d)
	return func(yield func(any) bool) {
		t.Helper()
		for {
			select {
			case ev, ok := <-events:
				if !ok || !yield(ev) {
					return
				}
			case <-deadline:
				t.Fatalf("the awaited event did not come within %v", d)
				return
			}
		}
	}
}

// With AgentsProject the agents report as monasca-agent's service account
// does: into their own project, where the lab's users do not look.
func TestAgentsProjectTakesTheAgentMetricsAway(t *testing.T) {
	clk := clocktest.New(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	l := lab.New(lab.Options{Clock: clk, Hosts: 2, AgentsProject: "service"})
	events, cancel := l.Bus().Subscribe()
	defer cancel()
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var m model.MetricsReceived
	for ev := range eventsWithin(t, events, 10*time.Second) {
		var ok bool
		if m, ok = ev.(model.MetricsReceived); ok {
			break
		}
	}
	agent, ok := l.User(lab.ServiceAgentUser)
	if !ok || agent.Project != "service" || !slices.Contains(agent.Roles, "monasca-agent") {
		t.Fatalf("service agent user %+v", agent)
	}
	if m.Metrics[0].TenantID != agent.ProjectID {
		t.Fatalf("agents posted into %s, want the service project %s", m.Metrics[0].TenantID, agent.ProjectID)
	}
	if els := metricElements(t, l, "labuser"); len(els) != 0 {
		t.Errorf("the lab project sees %v", els)
	}
	// monasca-agent may only post; the store shows what the project holds.
	if got := l.Store().Metrics(agent.ProjectID, store.MetricFilter{Name: "cpu.idle_perc"}, false); len(got) != 2 {
		t.Errorf("the service project holds %v, want the 2 hosts", got)
	}
}
