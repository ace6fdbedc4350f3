package evaluator

import (
	"fmt"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/clock/clocktest"
	"github.com/monhook/monhook/internal/lab/model"
)

// BenchmarkTick10000Alarms measures one evaluation cycle over 10,000 alarms
// (one per host of a match_by definition, avg over 3 periods); make bench
// requires well under 100 ms per op.
func BenchmarkTick10000Alarms(b *testing.B) {
	c := clocktest.New(start)
	s := newMemStore()
	s.notify = make(chan model.Transition, 1<<20)
	eng := New(Options{Store: s, Bus: &chanBus{}, Clock: c})
	eng.Handle(model.DefinitionCreated{Definition: model.AlarmDefinition{ID: "d", TenantID: tenant,
		Expression: "avg(cpu.idle_perc) < 10 times 3", MatchBy: []string{"hostname"}}})
	metrics := make([]model.Metric, 10000)
	for i := range metrics {
		metrics[i] = model.Metric{TenantID: tenant, Name: "cpu.idle_perc", Value: 90,
			Dimensions: map[string]string{"hostname": fmt.Sprintf("host-%d", i)}}
	}
	post := func() {
		for i := range metrics {
			metrics[i].Timestamp = c.Now()
		}
		eng.Handle(model.MetricsReceived{Metrics: metrics})
	}
	post()
	if n := len(s.alarmList()); n != 10000 {
		b.Fatalf("%d alarms, want 10000", n)
	}
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		c.Advance(time.Minute)
		post()
		b.StartTimer()
		eng.Tick()
	}
}
