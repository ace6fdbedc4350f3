package scenarios

import "time"

// MinScaledBudget is the floor for budgets and `within` limits after
// scaling: they are upper bounds, and a run on a busy machine should not
// fail because 3m/600 left 300 ms for work that takes real CPU time.
const MinScaledBudget = time.Second

// monascaTimedStages are the stages whose duration is Monasca's timing
// (evaluation periods, retry interval, periodic re-sends), which the lab
// compresses by its speed. The other stages are plain API calls that take
// the same wall time at any speed, so their budgets are not scaled.
var monascaTimedStages = map[string]bool{StageTrigger: true, StageAlarm: true, StageDelivery: true}

// Scaled returns a copy for a lab running `speed` times faster than real
// time (--lab --speed N): the metric interval, the minimum, every expectation's
// `within`, and the trigger, alarm and delivery budgets are divided by
// speed. The receiver delay is not: it is set against monasca-notification's
// 5 s webhook timeout, which the lab keeps at 5 s at every speed. Budgets
// and `within` never drop below MinScaledBudget. Budgets of API-bound
// stages (auth, preflight, receiver, notification-method,
// alarm-definition, teardown) are kept. A speed <= 1 returns a plain copy.
func (s *Scenario) Scaled(speed float64) *Scenario {
	c := s.Clone()
	if speed <= 1 {
		return c
	}
	div := func(d Duration) Duration { return Duration(float64(d) / speed) }
	bound := func(d Duration) Duration { return max(div(d), Duration(MinScaledBudget)) }
	c.Metric.Interval = div(c.Metric.Interval)
	c.Minimum = div(c.Minimum)
	for i := range c.Expect {
		c.Expect[i].Within = bound(c.Expect[i].Within)
	}
	budgets := make(map[string]Duration, len(monascaTimedStages))
	for stage := range monascaTimedStages {
		budgets[stage] = bound(Duration(s.Budget(stage)))
	}
	for stage, d := range c.Budgets {
		if !monascaTimedStages[stage] {
			budgets[stage] = d
		}
	}
	c.Budgets = budgets
	return c
}
