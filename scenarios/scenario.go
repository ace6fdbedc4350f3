// Package scenarios holds what `monhook check` runs: a scenario is data
// (YAML, embedded for the built-ins or loaded from --scenario-file) that
// says which metric drives the alarm, the alarm expression, which action
// lists point at the receiver, how the receiver behaves, how the alarm is
// triggered and which deliveries must arrive, in order, within what time.
//
// The package is the language only: decoding (strictly, naming the bad
// key), validation, rendering the templates for one run, scaling to a
// faster target, the built-ins, and checking alarm expressions against
// Monasca's grammar before anything is created (CheckExpression). Running
// a scenario is package check's job.
package scenarios

import (
	"time"
)

// Alarm states as Monasca spells them.
const (
	StateAlarm        = "ALARM"
	StateOK           = "OK"
	StateUndetermined = "UNDETERMINED"
)

// Metric sources.
const (
	// SourceAgent: the metric is posted by monasca-agent (e.g. cpu.idle_perc);
	// monhook posts nothing and needs recent measurements in the project.
	SourceAgent = "agent"
	// SourceSynthetic: monhook posts the metric itself (Metric.Values).
	SourceSynthetic = "synthetic"
)

// Trigger kinds.
const (
	// TriggerMetrics: the metric's measurements move the alarm.
	TriggerMetrics = "metrics"
	// TriggerAPIState: once the alarm exists, monhook changes its state
	// through PATCH /v2.0/alarms/{id}; Monasca sends "Alarm state updated
	// via API" like any other transition.
	TriggerAPIState = "api-state"
)

// Stage names, in the order `monhook check` runs them. They are also the
// keys of Scenario.Budgets and the stage names in the report.
const (
	StageAuth               = "auth"
	StagePreflight          = "preflight"
	StageReceiver           = "receiver"
	StageNotificationMethod = "notification-method"
	StageAlarmDefinition    = "alarm-definition"
	StageTrigger            = "trigger"
	StageAlarm              = "alarm"
	StageDelivery           = "delivery"
	StageTeardown           = "teardown"
)

// Stages lists the stage names in run order.
func Stages() []string {
	return []string{
		StageAuth, StagePreflight, StageReceiver, StageNotificationMethod,
		StageAlarmDefinition, StageTrigger, StageAlarm, StageDelivery, StageTeardown,
	}
}

// Scenario is one check, as written in YAML (snake_case keys). Load
// validates it; a Scenario built in Go should go through Validate.
type Scenario struct {
	// Name identifies the scenario (--scenario NAME): lower-case letters,
	// digits and '-'.
	Name string `yaml:"name" json:"name"`
	// Description is a paragraph for `monhook scenarios`.
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Proves is one line: what a pass demonstrates about the deployment.
	Proves string `yaml:"proves" json:"proves"`
	// Metric is what drives the alarm.
	Metric Metric `yaml:"metric" json:"metric"`
	// Expression is a text/template for the alarm expression over
	// {{.RunID}}, {{.Hostname}}, {{.Metric}} (the metric name) and
	// {{.Dimensions}} (the rendered metric dimensions, printed as
	// {k=v,...}; {{index .Dimensions "k"}} gives one value). It must scope
	// every sub-expression with dimensions so the alarm cannot fan out to
	// the whole project.
	Expression string `yaml:"expression" json:"expression"`
	// MatchBy is the definition's match_by.
	MatchBy []string `yaml:"match_by,omitempty" json:"match_by,omitempty"`
	// Actions says which of the definition's action lists point at the
	// run's notification method.
	Actions Actions `yaml:"actions" json:"actions"`
	// Period is the notification method's period: 0, or 60 for periodic
	// re-sends while the alarm stays in the state (monasca-notification's periodic engine).
	Period int `yaml:"period" json:"period"`
	// Receiver is how the embedded receiver answers.
	Receiver Receiver `yaml:"receiver,omitempty" json:"receiver,omitempty"`
	// Trigger is how the alarm is moved.
	Trigger Trigger `yaml:"trigger" json:"trigger"`
	// Expect is the ordered list of deliveries that must arrive.
	Expect []Expectation `yaml:"expect" json:"expect"`
	// Budgets caps each stage's duration, keyed by stage name (see
	// Stages); stages not listed get DefaultBudgets. The budgets are for a
	// real cloud; `--lab --speed N` runs use Scaled.
	Budgets map[string]Duration `yaml:"budgets,omitempty" json:"budgets,omitempty"`
	// Minimum is the least time a run takes on a healthy real deployment
	// (Monasca's own timings: definition propagation, evaluation, retry
	// intervals, re-send periods); an overall timeout below it cannot pass,
	// and a run cut short by one is told so first. 0: not documented.
	Minimum Duration `yaml:"minimum,omitempty" json:"minimum,omitempty"`
}

// Metric describes the metric the alarm watches.
type Metric struct {
	// Source is "agent" or "synthetic".
	Source string `yaml:"source" json:"source"`
	// Name is the metric name, e.g. cpu.idle_perc or monhook.synthetic.
	Name string `yaml:"name" json:"name"`
	// Dimensions are the metric's dimensions; values are templates over
	// {{.RunID}} and {{.Hostname}}. For synthetic metrics these are the
	// dimensions monhook posts; for agent metrics the ones the preflight
	// looks for recent measurements with.
	Dimensions map[string]string `yaml:"dimensions,omitempty" json:"dimensions,omitempty"`
	// Values is the synthetic sequence. Starting at the trigger stage the
	// runner posts them in order, one every Interval, each timestamped
	// "now" (Monasca drops back-dated measurements); after the
	// last one it keeps re-posting the last value every Interval until the
	// delivery stage ends, so a reached state holds and the alarm does not
	// drift to UNDETERMINED for lack of data.
	Values []float64 `yaml:"values,omitempty" json:"values,omitempty"`
	// Interval is the spacing of synthetic posts.
	Interval Duration `yaml:"interval,omitempty" json:"interval,omitempty"`
}

// Actions says which action lists of the alarm definition carry the run's
// notification method. Monasca picks the list by the new state (§7).
type Actions struct {
	Alarm        bool `yaml:"alarm" json:"alarm"`
	OK           bool `yaml:"ok" json:"ok"`
	Undetermined bool `yaml:"undetermined" json:"undetermined"`
}

// Receiver is how the embedded receiver answers deliveries.
type Receiver struct {
	// FailFirst answers the first N deliveries with HTTP 500, so Monasca's
	// retry path is exercised (it retries every 30 s, up to 5 times).
	FailFirst int `yaml:"fail_first,omitempty" json:"fail_first,omitempty"`
	// RespondStatus is the status for the other deliveries (default 200).
	RespondStatus int `yaml:"respond_status,omitempty" json:"respond_status,omitempty"`
	// Delay holds every answer this long (Monasca gives up after 5 s).
	Delay Duration `yaml:"delay,omitempty" json:"delay,omitempty"`
}

// Status returns the status to answer the n-th delivery with (n counts
// from 1).
func (r Receiver) Status(n int) int {
	if n <= r.FailFirst {
		return 500
	}
	if r.RespondStatus == 0 {
		return 200
	}
	return r.RespondStatus
}

// Trigger is how the alarm is moved.
type Trigger struct {
	// Kind is "metrics" or "api-state". For api-state the metric is still
	// posted: it is what makes the threshold engine create the alarm whose
	// state is then changed through the API.
	Kind string `yaml:"kind" json:"kind"`
	// State is the state to PATCH the alarm to (api-state only).
	State string `yaml:"state,omitempty" json:"state,omitempty"`
}

// Expectation is one expected delivery (or a run of identical ones).
type Expectation struct {
	// State is the payload's state.
	State string `yaml:"state" json:"state"`
	// OldState is the payload's old_state; empty accepts any.
	OldState string `yaml:"old_state,omitempty" json:"old_state,omitempty"`
	// Count is how many matching deliveries must arrive (default 1):
	// a retry or a periodic re-send is a delivery of its own.
	Count int `yaml:"count,omitempty" json:"count,omitempty"`
	// Within is the time allowed from the start of this expectation's wait
	// (the trigger for the first, the previous expectation's completion for
	// later ones) until Count matching deliveries have arrived.
	Within Duration `yaml:"within" json:"within"`
	// MessageContains, when set, must be a substring of the payload's
	// message (e.g. "Alarm state updated via API").
	MessageContains string `yaml:"message_contains,omitempty" json:"message_contains,omitempty"`
}

// Want returns Count with its default applied.
func (e Expectation) Want() int {
	if e.Count <= 0 {
		return 1
	}
	return e.Count
}

// NeedsAgent reports whether the scenario relies on monasca-agent
// measurements (preflight then checks recent ones exist in the project).
func (s *Scenario) NeedsAgent() bool { return s.Metric.Source == SourceAgent }

// DefaultBudgets are the stage budgets used when a scenario does not set
// one: generous for a real cloud, where an avg-style alarm takes minutes.
func DefaultBudgets() map[string]time.Duration {
	return map[string]time.Duration{
		StageAuth:               30 * time.Second,
		StagePreflight:          1 * time.Minute,
		StageReceiver:           10 * time.Second,
		StageNotificationMethod: 30 * time.Second,
		StageAlarmDefinition:    30 * time.Second,
		StageTrigger:            1 * time.Minute,
		StageAlarm:              3 * time.Minute,
		StageDelivery:           5 * time.Minute,
		StageTeardown:           30 * time.Second,
	}
}

// Budget returns the budget for a stage: the scenario's own, else the
// default; 0 for an unknown stage name.
func (s *Scenario) Budget(stage string) time.Duration {
	if d, ok := s.Budgets[stage]; ok && d > 0 {
		return d.Duration()
	}
	return DefaultBudgets()[stage]
}
