package store

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/clock/clocktest"
	"github.com/monhook/monhook/internal/lab/bus"
	"github.com/monhook/monhook/internal/lab/labtesting"
	"github.com/monhook/monhook/internal/lab/model"
)

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func newStore(t *testing.T) (*Store, <-chan any, *clocktest.Fake) {
	t.Helper()
	b := bus.New()
	t.Cleanup(b.Close)
	ch, cancel := b.Subscribe()
	t.Cleanup(cancel)
	clk := clocktest.New(t0)
	return New(Options{Bus: b, Clock: clk}), ch, clk
}

func TestMethodNamesAreUniquePerTenant(t *testing.T) {
	s, _, _ := newStore(t)
	a, err := s.CreateMethod(model.NotificationMethod{TenantID: "t1", Name: "hook", Type: "WEBHOOK"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateMethod(model.NotificationMethod{TenantID: "t1", Name: "hook"})
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.Msg != "A notification method with the name hook already exists" {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := s.CreateMethod(model.NotificationMethod{TenantID: "t2", Name: "hook"}); err != nil {
		t.Fatalf("other tenant may reuse the name: %v", err)
	}
	b, _ := s.CreateMethod(model.NotificationMethod{TenantID: "t1", Name: "other"})
	b.Name = "hook"
	_, err = s.UpdateMethod(b)
	if !errors.As(err, &ce) || !strings.HasSuffix(ce.Msg, "already exists with id "+a.ID) {
		t.Fatalf("rename onto taken name: %v", err)
	}
}

func TestTenantLookupsHideOtherTenants(t *testing.T) {
	s, _, _ := newStore(t)
	m, _ := s.CreateMethod(model.NotificationMethod{TenantID: "t1", Name: "hook"})
	if _, err := s.TenantMethod("t2", m.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("foreign get: %v", err)
	}
	if err := s.DeleteMethod("t2", m.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("foreign delete: %v", err)
	}
	if _, ok := s.NotificationMethod(m.ID); !ok {
		t.Fatal("engines see every tenant's methods")
	}
}

func TestDeleteMethodCascadesOutOfDefinitions(t *testing.T) {
	s, events, _ := newStore(t)
	m, _ := s.CreateMethod(model.NotificationMethod{TenantID: "t1", Name: "hook"})
	keep, _ := s.CreateMethod(model.NotificationMethod{TenantID: "t1", Name: "keep"})
	d, err := s.CreateDefinition(model.AlarmDefinition{TenantID: "t1", Name: "d", AlarmActions: []string{m.ID, keep.ID}, OKActions: []string{m.ID}})
	if err != nil {
		t.Fatal(err)
	}
	labtesting.Recv(t, events) // DefinitionCreated
	if err := s.DeleteMethod("t1", m.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Definition(d.ID)
	if !slices.Equal(got.AlarmActions, []string{keep.ID}) || len(got.OKActions) != 0 {
		t.Fatalf("actions after delete: %+v %+v", got.AlarmActions, got.OKActions)
	}
	if ev := labtesting.Recv(t, events); ev != (model.MethodDeleted{MethodID: m.ID}) {
		t.Fatalf("event %#v", ev)
	}
}

func TestDefinitionActionsMustExistInAnyTenant(t *testing.T) {
	s, _, _ := newStore(t)
	foreign, _ := s.CreateMethod(model.NotificationMethod{TenantID: "t2", Name: "hook"})
	_, err := s.CreateDefinition(model.AlarmDefinition{TenantID: "t1", Name: "d", OKActions: []string{"nope"}})
	var ie *InvalidUpdateError
	if !errors.As(err, &ie) || !strings.Contains(ie.Msg, "Non-existent notification id") || !strings.Contains(ie.Msg, "OK") {
		t.Fatalf("unknown action: %v", err)
	}
	if _, err := s.CreateDefinition(model.AlarmDefinition{TenantID: "t1", Name: "d", AlarmActions: []string{foreign.ID}}); err != nil {
		t.Fatalf("Monasca does not check the action's tenant: %v", err)
	}
}

func TestDeleteDefinitionCascadesToAlarmsAndFreesName(t *testing.T) {
	s, events, _ := newStore(t)
	d, _ := s.CreateDefinition(model.AlarmDefinition{TenantID: "t1", Name: "d"})
	labtesting.Recv(t, events)
	a, err := s.CreateAlarm(model.Alarm{DefinitionID: d.ID})
	if err != nil {
		t.Fatal(err)
	}
	if a.TenantID != "t1" || a.State != model.StateUndetermined || !a.CreatedTimestamp.Equal(t0) {
		t.Fatalf("alarm defaults: %+v", a)
	}
	if err := s.DeleteDefinition("t1", d.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Alarm(a.ID); ok {
		t.Fatal("alarm survived its definition")
	}
	if ev := labtesting.Recv(t, events); ev != (model.AlarmDeleted{AlarmID: a.ID, DefinitionID: d.ID}) {
		t.Fatalf("event %#v", ev)
	}
	if ev := labtesting.Recv(t, events); ev != (model.DefinitionDeleted{DefinitionID: d.ID, TenantID: "t1"}) {
		t.Fatalf("event %#v", ev)
	}
	if _, err := s.CreateDefinition(model.AlarmDefinition{TenantID: "t1", Name: "d"}); err != nil {
		t.Fatalf("name reuse after delete: %v", err)
	}
}

func TestTransitionRecordsHistoryAndPublishes(t *testing.T) {
	s, events, clk := newStore(t)
	d, _ := s.CreateDefinition(model.AlarmDefinition{TenantID: "t1", Name: "cpu", Severity: "LOW", ActionsEnabled: true})
	labtesting.Recv(t, events)
	a, _ := s.CreateAlarm(model.Alarm{DefinitionID: d.ID, Metrics: []model.MetricDef{{Name: "m", Dimensions: map[string]string{"h": "1"}}}})
	clk.Advance(time.Minute)
	if !s.TransitionAlarm(model.Transition{AlarmID: a.ID, NewState: model.StateAlarm, Reason: "r", Timestamp: clk.Now()}) {
		t.Fatal("transition refused")
	}
	if s.TransitionAlarm(model.Transition{AlarmID: a.ID, NewState: model.StateAlarm}) {
		t.Fatal("same-state transition must be refused")
	}
	ev := labtesting.Recv(t, events).(model.AlarmTransitioned).Transition
	if ev.OldState != model.StateUndetermined || ev.AlarmName != "cpu" || ev.TenantID != "t1" || !ev.ActionsEnabled || len(ev.Metrics) != 1 {
		t.Fatalf("transition event not filled in: %+v", ev)
	}
	got, _ := s.Alarm(a.ID)
	if got.State != model.StateAlarm || !got.StateUpdatedTimestamp.Equal(t0.Add(time.Minute)) {
		t.Fatalf("alarm after transition: %+v", got)
	}
	h := s.History("t1", a.ID)
	if len(h) != 1 || h[0].NewState != model.StateAlarm || h[0].Reason != "r" {
		t.Fatalf("history %+v", h)
	}
	if len(s.History("t2", "")) != 0 {
		t.Fatal("history leaked across tenants")
	}
}

func TestUpdateAlarmWithSameStateSendsNoTransition(t *testing.T) {
	s, events, _ := newStore(t)
	d, _ := s.CreateDefinition(model.AlarmDefinition{TenantID: "t1", Name: "cpu"})
	labtesting.Recv(t, events)
	a, _ := s.CreateAlarm(model.Alarm{DefinitionID: d.ID, State: model.StateOK})
	link := "http://x"
	got, err := s.UpdateAlarm("t1", a.ID, model.StateOK, nil, &link, "Alarm state updated via API")
	if err != nil || got.Link == nil || *got.Link != link {
		t.Fatalf("update: %+v %v", got, err)
	}
	if _, err := s.UpdateAlarm("t1", a.ID, model.StateAlarm, nil, nil, "Alarm state updated via API"); err != nil {
		t.Fatal(err)
	}
	if ev := labtesting.Recv(t, events).(model.AlarmTransitioned); ev.Transition.Reason != "Alarm state updated via API" {
		t.Fatalf("first event after a state change must be the transition: %+v", ev)
	}
}

func TestMetricsFilterAndOrder(t *testing.T) {
	s, events, _ := newStore(t)
	pts := []model.Metric{
		{Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "h2"}, Timestamp: t0.Add(2 * time.Second), Value: 2},
		{Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "h1"}, Timestamp: t0.Add(time.Second), Value: 1},
		{Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "h1"}, Timestamp: t0, Value: 0},
		{Name: "mem", Timestamp: t0, Value: 5},
	}
	if err := s.PostMetrics("t1", pts); err != nil {
		t.Fatal(err)
	}
	if ev := labtesting.Recv(t, events).(model.MetricsReceived); len(ev.Metrics) != 4 || ev.Metrics[0].TenantID != "t1" {
		t.Fatalf("MetricsReceived %+v", ev)
	}
	got := s.Metrics("t1", MetricFilter{Name: "cpu.idle_perc"}, true)
	if len(got) != 2 || got[0].Dimensions["hostname"] != "h1" || len(got[0].Points) != 2 || got[0].Points[0].Value != 0 {
		t.Fatalf("series %+v", got)
	}
	got = s.Metrics("t1", MetricFilter{Dimensions: map[string][]string{"hostname": {"h2"}}, Start: t0.Add(time.Second)}, true)
	if len(got) != 1 || got[0].Points[0].Value != 2 {
		t.Fatalf("filtered %+v", got)
	}
	if len(s.Metrics("t2", MetricFilter{}, false)) != 0 {
		t.Fatal("metrics leaked across tenants")
	}
	if len(s.Metrics("t1", MetricFilter{Start: t0.Add(time.Hour)}, false)) != 0 {
		t.Fatal("series without points in range must be omitted")
	}
}

func TestSeriesKeepsAtMostMaxPoints(t *testing.T) {
	b := bus.New()
	defer b.Close()
	s := New(Options{Bus: b, MaxPointsPerSeries: 3})
	for i := range 5 {
		_ = s.PostMetrics("t", []model.Metric{{Name: "m", Timestamp: t0.Add(time.Duration(i) * time.Second), Value: float64(i)}})
	}
	got := s.Metrics("t", MetricFilter{}, true)[0].Points
	if len(got) != 3 || got[0].Value != 2 {
		t.Fatalf("points %+v", got)
	}
}
