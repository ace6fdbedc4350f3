package evaluator

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/monhook/monhook/internal/clock"
	"github.com/monhook/monhook/internal/lab/model"
)

// runDelayed runs an engine with a definition delay in a synctest bubble
// and returns its bus and store; the engine stops with the test.
func runDelayed(t *testing.T, delay time.Duration, speed float64) (*chanBus, *memStore) {
	bus, s := &chanBus{}, newMemStore()
	eng := New(Options{Store: s, Bus: bus, Clock: clock.Real{}, Speed: speed, DefinitionDelay: delay})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { _ = eng.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	synctest.Wait()
	return bus, s
}

func postX(bus *chanBus, v float64) {
	bus.Publish(model.MetricsReceived{Metrics: []model.Metric{{TenantID: tenant, Name: "x", Value: v, Timestamp: time.Now()}}})
	synctest.Wait()
}

var delayedDef = model.AlarmDefinition{ID: "d1", TenantID: tenant, Name: "t", Expression: "max(x) > 14", ActionsEnabled: true}

func TestDefinitionReachesTheEngineAfterTheDelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bus, s := runDelayed(t, 3*time.Second, 1)
		bus.Publish(model.DefinitionCreated{Definition: delayedDef})
		synctest.Wait()
		time.Sleep(3*time.Second - time.Millisecond)
		postX(bus, 20)
		if as := s.AlarmsForDefinition("d1"); len(as) != 0 {
			t.Fatalf("alarm %+v from a measurement before the definition reached the engine", as)
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		postX(bus, 20)
		if as := s.AlarmsForDefinition("d1"); len(as) != 1 {
			t.Fatalf("%d alarms after the delay, want 1", len(as))
		}
	})
}

func TestDefinitionDelayScalesWithSpeed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bus, s := runDelayed(t, 3*time.Minute, 60) // 3 s of wall time
		bus.Publish(model.DefinitionCreated{Definition: delayedDef})
		synctest.Wait()
		time.Sleep(2 * time.Second)
		postX(bus, 20)
		if len(s.AlarmsForDefinition("d1")) != 0 {
			t.Fatal("definition arrived before 3m/60")
		}
		time.Sleep(time.Second)
		synctest.Wait()
		postX(bus, 20)
		if len(s.AlarmsForDefinition("d1")) != 1 {
			t.Fatal("definition not there after 3m/60")
		}
	})
}

func TestDeletedDefinitionNeverArrives(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bus, s := runDelayed(t, 3*time.Second, 1)
		bus.Publish(model.DefinitionCreated{Definition: delayedDef})
		bus.Publish(model.DefinitionDeleted{DefinitionID: "d1", TenantID: tenant})
		synctest.Wait()
		time.Sleep(5 * time.Second)
		synctest.Wait()
		postX(bus, 20)
		if as := s.AlarmsForDefinition("d1"); len(as) != 0 {
			t.Fatalf("alarm %+v for a definition deleted while in flight", as)
		}
	})
}
