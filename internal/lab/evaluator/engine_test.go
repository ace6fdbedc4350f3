package evaluator

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/monhook/monhook/internal/clock"
	"github.com/monhook/monhook/internal/clock/clocktest"
	"github.com/monhook/monhook/internal/lab/model"
)

const tenant = "project-1"

// start is 10 s past a minute, so views end on clear boundaries.
var start = time.Date(2026, 3, 1, 12, 0, 10, 0, time.UTC)

type rig struct {
	t     *testing.T
	clock *clocktest.Fake
	store *memStore
	eng   *Engine
}

func newRig(t *testing.T) *rig {
	c := clocktest.New(start)
	s := newMemStore()
	return &rig{t: t, clock: c, store: s, eng: New(Options{Store: s, Bus: &chanBus{}, Clock: c})}
}

func (r *rig) define(id, expression string, matchBy ...string) model.AlarmDefinition {
	d := model.AlarmDefinition{ID: id, TenantID: tenant, Name: "def " + id, Expression: expression,
		MatchBy: matchBy, ActionsEnabled: true, Severity: "LOW"}
	r.eng.Handle(model.DefinitionCreated{Definition: d})
	return d
}

func (r *rig) post(name string, v float64, dims ...string) {
	r.postAt(name, v, r.clock.Now(), dims...)
}

func (r *rig) postAt(name string, v float64, ts time.Time, dims ...string) {
	m := model.Metric{TenantID: tenant, Name: name, Value: v, Timestamp: ts, Dimensions: map[string]string{}}
	for i := 0; i+1 < len(dims); i += 2 {
		m.Dimensions[dims[i]] = dims[i+1]
	}
	r.eng.Handle(model.MetricsReceived{Metrics: []model.Metric{m}})
}

// tickAt moves the clock to start+d and runs one evaluation.
func (r *rig) tickAt(d time.Duration) {
	r.clock.Advance(start.Add(d).Sub(r.clock.Now()))
	r.eng.Tick()
}

func (r *rig) states() []string {
	var out []string
	for _, t := range r.store.Transitions() {
		out = append(out, t.OldState+"->"+t.NewState)
	}
	return out
}

func (r *rig) wantStates(want ...string) {
	r.t.Helper()
	got := r.states()
	if len(got) != len(want) {
		r.t.Fatalf("transitions %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			r.t.Fatalf("transitions %v, want %v", got, want)
		}
	}
}

func (r *rig) last() model.Transition {
	ts := r.store.Transitions()
	if len(ts) == 0 {
		r.t.Fatal("no transition")
	}
	return ts[len(ts)-1]
}

func TestMaxAlarmCreatedUndeterminedWithoutTransition(t *testing.T) {
	r := newRig(t)
	r.define("d1", "max(x) > 14")
	r.post("x", 10)
	alarms := r.store.alarmList()
	if len(alarms) != 1 || alarms[0].State != model.StateUndetermined {
		t.Fatalf("alarms %+v, want one UNDETERMINED", alarms)
	}
	r.wantStates()
	r.post("x", 20)
	r.wantStates("UNDETERMINED->ALARM")
	tr := r.last()
	if want := "Thresholds were exceeded for the sub-alarms: max(x) > 14.0 with the values: [20.0]"; tr.Reason != want {
		t.Errorf("reason %q, want %q", tr.Reason, want)
	}
	if !tr.Timestamp.Equal(r.clock.Now()) || tr.DefinitionID != "d1" || tr.TenantID != tenant || tr.AlarmName != "def d1" || !tr.ActionsEnabled {
		t.Errorf("transition %+v", tr)
	}
	if len(tr.Metrics) != 1 || tr.Metrics[0].Name != "x" || len(tr.SubAlarms) != 1 || tr.SubAlarms[0].State != model.StateAlarm {
		t.Errorf("metrics %+v sub-alarms %+v", tr.Metrics, tr.SubAlarms)
	}
}

func TestDeterministicAlarmStartsOK(t *testing.T) {
	r := newRig(t)
	r.define("d1", "max(x, deterministic) > 14")
	r.post("x", 10)
	if a := r.store.alarmList(); len(a) != 1 || a[0].State != model.StateOK {
		t.Fatalf("alarms %+v, want one OK", a)
	}
	r.wantStates()
}

func TestMeasurementsBeforeDefinitionCreateNothing(t *testing.T) {
	r := newRig(t)
	r.post("x", 20)
	r.define("d1", "max(x) > 14")
	if a := r.store.alarmList(); len(a) != 0 {
		t.Fatalf("alarms %+v, want none", a)
	}
	r.post("x", 20)
	if a := r.store.alarmList(); len(a) != 1 {
		t.Fatalf("alarms %+v, want one", a)
	}
}

func TestLastFollowsValues(t *testing.T) {
	r := newRig(t)
	r.define("d1", "last(x) > 14")
	r.post("x", 10)
	r.wantStates("UNDETERMINED->OK")
	if want := "The alarm threshold(s) have not been exceeded for the sub-alarms: last(x) > 14.0 with the values: [10.0]"; r.last().Reason != want {
		t.Errorf("reason %q, want %q", r.last().Reason, want)
	}
	r.clock.Advance(15 * time.Second)
	r.post("x", 20)
	r.clock.Advance(15 * time.Second)
	r.post("x", 5)
	r.wantStates("UNDETERMINED->OK", "OK->ALARM", "ALARM->OK")
	// last() never goes UNDETERMINED when data stops.
	for i := 1; i <= 10; i++ {
		r.tickAt(time.Duration(i) * time.Minute)
	}
	r.wantStates("UNDETERMINED->OK", "OK->ALARM", "ALARM->OK")
}

// TestMaxKeepsThePeriodsLargestLastTheNewest: the same two values, 20 then
// 10 within one minute, leave max(x) > 14 in ALARM once the minute is
// evaluated (a period's max is its largest value, whatever came after it)
// and bring last(x) > 14 back to OK at once (only the newest value counts).
func TestMaxKeepsThePeriodsLargestLastTheNewest(t *testing.T) {
	r := newRig(t)
	r.define("max", "max(x) > 14")
	r.define("last", "last(x) > 14")
	r.post("x", 20) // 12:00:10
	r.clock.Advance(20 * time.Second)
	r.post("x", 10)            // 12:00:30, the same one-minute period
	r.tickAt(81 * time.Second) // 12:01:31: the period's view is evaluated
	byDef := map[string][]string{}
	for _, tr := range r.store.Transitions() {
		byDef[tr.DefinitionID] = append(byDef[tr.DefinitionID], tr.OldState+"->"+tr.NewState)
	}
	if got := byDef["max"]; len(got) != 1 || got[0] != "UNDETERMINED->ALARM" {
		t.Errorf("max(x) > 14 went %v, want only UNDETERMINED->ALARM (the minute's max is 20)", got)
	}
	if got := byDef["last"]; len(got) != 2 || got[0] != "UNDETERMINED->ALARM" || got[1] != "ALARM->OK" {
		t.Errorf("last(x) > 14 went %v, want UNDETERMINED->ALARM then ALARM->OK (the newest value is 10)", got)
	}
}

// TestLastIsTheNewestByTimestampNotByArrival: a measurement that arrives
// late with an older timestamp does not replace the newest one.
func TestLastIsTheNewestByTimestampNotByArrival(t *testing.T) {
	r := newRig(t)
	r.define("d1", "last(x) > 14")
	r.post("x", 20)
	r.postAt("x", 5, r.clock.Now().Add(-10*time.Second)) // older, arriving after
	r.wantStates("UNDETERMINED->ALARM")
	r.clock.Advance(10 * time.Second)
	r.post("x", 5)
	r.wantStates("UNDETERMINED->ALARM", "ALARM->OK")
}

func TestAvgWaitsForViewEndAndGrace(t *testing.T) {
	r := newRig(t)
	r.define("d1", "avg(x) > 50")
	r.post("x", 80) // 12:00:10; the view ends at 12:01:00, evaluated after 12:01:30
	r.clock.Advance(20 * time.Second)
	r.post("x", 90)
	r.tickAt(80 * time.Second) // 12:01:30: not after the grace yet
	r.wantStates()
	r.tickAt(81 * time.Second)
	r.wantStates("UNDETERMINED->ALARM")
	if want := "Thresholds were exceeded for the sub-alarms: avg(x) > 50.0 with the values: [85.0]"; r.last().Reason != want {
		t.Errorf("reason %q, want %q", r.last().Reason, want)
	}
}

func TestUndeterminedWhenDataStops(t *testing.T) {
	r := newRig(t)
	r.define("d1", "avg(x) > 50")
	r.post("x", 80)
	r.tickAt(81 * time.Second)
	r.wantStates("UNDETERMINED->ALARM")
	// Two empty views (period 60, periods 1: 1 × 1 × 2) make UNDETERMINED.
	r.tickAt(141 * time.Second)
	r.wantStates("UNDETERMINED->ALARM")
	r.tickAt(201 * time.Second)
	r.wantStates("UNDETERMINED->ALARM", "ALARM->UNDETERMINED")
	if want := "No data was present for the sub-alarms: avg(x) > 50.0"; r.last().Reason != want {
		t.Errorf("reason %q, want %q", r.last().Reason, want)
	}
}

func TestDeterministicEmptyViewIsOK(t *testing.T) {
	r := newRig(t)
	r.define("d1", "avg(x, deterministic) > 50")
	r.post("x", 80)
	r.tickAt(81 * time.Second)
	r.wantStates("OK->ALARM")
	r.tickAt(141 * time.Second)
	r.wantStates("OK->ALARM", "ALARM->OK")
}

func TestTooOldAndFutureMeasurementsIgnored(t *testing.T) {
	r := newRig(t)
	r.define("d1", "avg(x) > 50")
	r.post("x", 60)
	r.postAt("x", 1000, start.Add(-time.Hour))
	r.postAt("x", -1000, start.Add(-2*time.Minute))
	r.postAt("x", 1000, start.Add(time.Hour))
	r.tickAt(81 * time.Second)
	if want := "Thresholds were exceeded for the sub-alarms: avg(x) > 50.0 with the values: [60.0]"; r.last().Reason != want {
		t.Errorf("reason %q, want %q", r.last().Reason, want)
	}
}

func TestTimesNeedsConsecutivePeriods(t *testing.T) {
	r := newRig(t)
	r.define("d1", "max(x) > 10 times 2")
	r.post("x", 20)
	r.wantStates() // one exceeding period is not enough
	r.clock.Advance(time.Minute)
	r.post("x", 30)
	r.wantStates("UNDETERMINED->ALARM")
	if want := "Thresholds were exceeded for the sub-alarms: max(x) > 10.0 times 2 with the values: [20.0, 30.0]"; r.last().Reason != want {
		t.Errorf("reason %q, want %q", r.last().Reason, want)
	}
}

func TestMatchByMakesOneAlarmPerGroup(t *testing.T) {
	r := newRig(t)
	r.define("per-host", "max(cpu.idle_perc) > 99", "hostname")
	r.define("all", "max(cpu.idle_perc) > 99")
	r.define("scoped", "max(cpu.idle_perc{hostname=h2}) > 99")
	for _, h := range []string{"h1", "h2", "h3", "h1"} {
		r.post("cpu.idle_perc", 90, "hostname", h)
	}
	if n := len(r.store.AlarmsForDefinition("per-host")); n != 3 {
		t.Errorf("per-host: %d alarms, want 3", n)
	}
	all := r.store.AlarmsForDefinition("all")
	if len(all) != 1 {
		t.Fatalf("all: %d alarms, want 1", len(all))
	}
	scoped := r.store.AlarmsForDefinition("scoped")
	if len(scoped) != 1 || scoped[0].Metrics[0].Dimensions["hostname"] != "h2" {
		t.Errorf("scoped: %+v", scoped)
	}
	// The engine's alarm for "all" lists every series it saw.
	r.post("cpu.idle_perc", 100, "hostname", "h3")
	tr := r.last()
	if tr.DefinitionID != "all" && tr.DefinitionID != "per-host" {
		t.Fatalf("unexpected transition %+v", tr)
	}
	for _, tr := range r.store.Transitions() {
		if tr.DefinitionID == "all" && len(tr.Metrics) != 3 {
			t.Errorf("alarm of all lists %d metrics, want 3", len(tr.Metrics))
		}
	}
}

func TestCompoundWaitsForAllSubAlarms(t *testing.T) {
	r := newRig(t)
	r.define("d1", "max(a) > 1 and max(b) > 1")
	r.post("a", 5)
	r.post("b", 5) // completes the alarm; a's first value fed no window
	r.wantStates()
	r.post("a", 5)
	r.wantStates("UNDETERMINED->ALARM")
	want := "Thresholds were exceeded for the sub-alarms: max(a) > 1.0 with the values: [5.0], max(b) > 1.0 with the values: [5.0]"
	if r.last().Reason != want {
		t.Errorf("reason %q, want %q", r.last().Reason, want)
	}
}

// TestAlarmCreatedOnlyWhenEverySubExpressionHasAMetric is AlarmCreationBolt's
// alarm-is-complete rule: a group whose series match only some of the
// sub-expressions waits, with no alarm in the store; the series that
// completes it creates one alarm listing every series of the group.
func TestAlarmCreatedOnlyWhenEverySubExpressionHasAMetric(t *testing.T) {
	r := newRig(t)
	r.define("d1", "max(a) > 1 or max(b) > 1", "hostname")
	r.post("a", 5, "hostname", "h1")
	r.post("a", 5, "hostname", "h2")
	if got := r.store.alarmList(); len(got) != 0 {
		t.Fatalf("alarms %+v before any b, want none", got)
	}
	r.post("b", 0, "hostname", "h1")
	got := r.store.alarmList()
	if len(got) != 1 {
		t.Fatalf("alarms %+v, want one for h1", got)
	}
	if ms := got[0].Metrics; len(ms) != 2 || ms[0].Name != "a" || ms[1].Name != "b" || ms[0].Dimensions["hostname"] != "h1" {
		t.Fatalf("metrics %+v, want a and b of h1", ms)
	}
	r.post("b", 0, "hostname", "h2")
	if got := r.store.alarmList(); len(got) != 2 {
		t.Fatalf("alarms %+v, want h1 and h2", got)
	}
	r.wantStates()
}

// TestSeriesJoiningAnAlarmIsStored: without match_by a further series joins
// the one alarm, and the store lists it (AlarmDAO.addAlarmedMetric).
func TestSeriesJoiningAnAlarmIsStored(t *testing.T) {
	r := newRig(t)
	r.define("d1", "max(x) > 14")
	r.post("x", 1, "hostname", "h1")
	r.post("x", 1, "hostname", "h2")
	r.post("x", 1, "hostname", "h2")
	got := r.store.alarmList()
	if len(got) != 1 || len(got[0].Metrics) != 2 || got[0].Metrics[1].Dimensions["hostname"] != "h2" {
		t.Fatalf("alarms %+v, want one with h1 and h2", got)
	}
}

func TestOrReasonListsOnlyAlarmingSubAlarms(t *testing.T) {
	r := newRig(t)
	r.define("d1", "last(a) > 1 or last(b) > 1")
	r.post("a", 0)
	r.post("b", 5)
	r.post("a", 0)
	r.wantStates("UNDETERMINED->ALARM")
	if want := "Thresholds were exceeded for the sub-alarms: last(b) > 1.0 with the values: [5.0]"; r.last().Reason != want {
		t.Errorf("reason %q, want %q", r.last().Reason, want)
	}
}

func TestDefinitionEditTakesEffect(t *testing.T) {
	r := newRig(t)
	d := r.define("d1", "last(x) > 14")
	r.post("x", 20)
	r.wantStates("UNDETERMINED->ALARM")
	d.Expression = "last(x) > 30"
	r.eng.Handle(model.DefinitionUpdated{Definition: d})
	r.tickAt(time.Minute)
	r.wantStates("UNDETERMINED->ALARM", "ALARM->OK")
	if want := "The alarm threshold(s) have not been exceeded for the sub-alarms: last(x) > 30.0 with the values: [20.0]"; r.last().Reason != want {
		t.Errorf("reason %q, want %q", r.last().Reason, want)
	}
	d.Expression = "last(x) lt 30"
	r.eng.Handle(model.DefinitionUpdated{Definition: d})
	r.tickAt(2 * time.Minute)
	r.wantStates("UNDETERMINED->ALARM", "ALARM->OK", "OK->ALARM")
}

func TestDeletesDropState(t *testing.T) {
	r := newRig(t)
	r.define("d1", "max(x) > 14")
	r.post("x", 1)
	first := r.store.alarmList()[0].ID
	r.eng.Handle(model.AlarmDeleted{AlarmID: first, DefinitionID: "d1"})
	r.post("x", 1)
	alarms := r.store.alarmList()
	if len(alarms) != 2 || alarms[1].ID == first {
		t.Fatalf("after AlarmDeleted: %+v, want a new alarm", alarms)
	}
	r.eng.Handle(model.DefinitionDeleted{DefinitionID: "d1", TenantID: tenant})
	r.post("x", 20)
	if len(r.store.alarmList()) != 2 || len(r.store.Transitions()) != 0 {
		t.Fatalf("deleted definition still evaluated: %v", r.states())
	}
}

func TestOtherTenantsMetricsIgnored(t *testing.T) {
	r := newRig(t)
	r.define("d1", "max(x) > 14")
	r.eng.Handle(model.MetricsReceived{Metrics: []model.Metric{{TenantID: "other", Name: "x", Value: 20, Timestamp: start}}})
	if a := r.store.alarmList(); len(a) != 0 {
		t.Fatalf("alarms %+v, want none", a)
	}
}

func TestManualStateChangeIsFollowed(t *testing.T) {
	r := newRig(t)
	r.define("d1", "last(x) > 14")
	r.post("x", 20)
	id := r.store.alarmList()[0].ID
	// The API sets OK by hand; the next exceeding value must alarm again.
	r.store.TransitionAlarm(model.Transition{AlarmID: id, DefinitionID: "d1", OldState: "ALARM", NewState: "OK", Reason: "Alarm state updated via API"})
	r.eng.Handle(model.AlarmTransitioned{Transition: model.Transition{AlarmID: id, DefinitionID: "d1", NewState: "OK"}})
	r.post("x", 25)
	r.wantStates("UNDETERMINED->ALARM", "ALARM->OK", "OK->ALARM")
}

// TestTempestTransitionsThroughRun wires the engine to a bus and the real
// clock inside a synctest bubble, as the lab runs it: max(x) > 14 reaches
// ALARM within 10 s of a value of 20, and the 60 s tick later brings it back
// to OK once the value has slid out of the window.
func TestTempestTransitionsThroughRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bus := &chanBus{}
		s := newMemStore()
		eng := New(Options{Store: s, Bus: bus, Clock: clock.Real{}, Speed: 1})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- eng.Run(ctx) }()
		synctest.Wait()

		bus.Publish(model.DefinitionCreated{Definition: model.AlarmDefinition{ID: "d1", TenantID: tenant, Name: "t", Expression: "max(x) > 14", ActionsEnabled: true}})
		posted := time.Now()
		bus.Publish(model.MetricsReceived{Metrics: []model.Metric{{TenantID: tenant, Name: "x", Value: 20, Timestamp: posted}}})
		synctest.Wait()
		ts := s.Transitions()
		if len(ts) != 1 || ts[0].OldState != model.StateUndetermined || ts[0].NewState != model.StateAlarm {
			t.Fatalf("transitions %+v, want UNDETERMINED->ALARM", ts)
		}
		if lag := ts[0].Timestamp.Sub(posted); lag > 10*time.Second {
			t.Errorf("ALARM %v after the value, want within 10 s", lag)
		}
		for range 3 {
			time.Sleep(time.Minute)
			bus.Publish(model.MetricsReceived{Metrics: []model.Metric{{TenantID: tenant, Name: "x", Value: 1, Timestamp: time.Now()}}})
			synctest.Wait()
		}
		ts = s.Transitions()
		if len(ts) != 2 || ts[1].NewState != model.StateOK {
			t.Fatalf("transitions %+v, want a second one to OK", ts)
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}
