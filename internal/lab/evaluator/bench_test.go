package evaluator

import (
	"fmt"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/clock/clocktest"
	"github.com/monhook/monhook/internal/lab/bus"
	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/internal/lab/store"
)

// BenchmarkTick10000Alarms measures one evaluation cycle over 10,000 alarms
// (one per host of a match_by definition) in which every alarm changes
// state: each minute the hosts' cpu.idle_perc swings between 90 and 5, so
// each timed tick evaluates every view and moves all 10,000 alarms between
// OK and ALARM, writing each transition (and its history) to the lab's own
// store, which publishes it on the lab's bus. make bench requires well
// under 100 ms per op.
func BenchmarkTick10000Alarms(b *testing.B) {
	const hosts = 10000
	c := clocktest.New(start)
	events := bus.New()
	defer events.Close()
	s := store.New(store.Options{Bus: events, Clock: c})
	eng := New(Options{Store: s, Bus: events, Clock: c})
	def, err := s.CreateDefinition(model.AlarmDefinition{TenantID: tenant, Name: "idle",
		Expression: "avg(cpu.idle_perc) < 10", MatchBy: []string{"hostname"}, ActionsEnabled: true})
	if err != nil {
		b.Fatal(err)
	}
	eng.Handle(model.DefinitionCreated{Definition: def})
	metrics := make([]model.Metric, hosts)
	for i := range metrics {
		metrics[i] = model.Metric{TenantID: tenant, Name: "cpu.idle_perc",
			Dimensions: map[string]string{"hostname": fmt.Sprintf("host-%d", i)}}
	}
	value := 90.0
	post := func() {
		for i := range metrics {
			metrics[i].Value, metrics[i].Timestamp = value, c.Now()
		}
		eng.Handle(model.MetricsReceived{Metrics: metrics})
	}
	// states counts the alarms in each state.
	states := func() map[string]int {
		n := map[string]int{}
		for _, a := range s.AlarmsForDefinition(def.ID) {
			n[a.State]++
		}
		return n
	}
	// Each step posts this minute's values, then moves past the end of
	// their view (and the grace) so that the next tick evaluates it.
	step := func() {
		post()
		c.Advance(time.Minute)
	}
	c.Advance(30 * time.Second) // to hh:mm:40, past each view's 30 s grace a minute on
	step()
	eng.Tick() // UNDETERMINED → OK: the first view is in
	if n := states(); n[model.StateOK] != hosts {
		b.Fatalf("alarms by state %v, want %d OK", n, hosts)
	}
	want := model.StateOK
	for b.Loop() {
		b.StopTimer()
		if value == 90 {
			value, want = 5, model.StateAlarm
		} else {
			value, want = 90, model.StateOK
		}
		step()
		b.StartTimer()
		eng.Tick()
	}
	b.StopTimer()
	if n := states(); n[want] != hosts {
		b.Fatalf("after the last tick alarms by state %v, want all %d %s: the tick did not change them", n, hosts, want)
	}
}
