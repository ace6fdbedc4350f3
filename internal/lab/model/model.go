// Package model holds the lab's domain types and the narrow interfaces through
// which the lab's parts talk: the API (part 1) owns the store; the threshold
// engine, the notification engine and the agents (part 2) plug in through
// Store, Bus and MetricSink. Nothing here is a wire type of the client: the
// lab plays the server and must not share the client's code.
package model

import "time"

// Alarm states as Monasca spells them.
const (
	StateOK           = "OK"
	StateAlarm        = "ALARM"
	StateUndetermined = "UNDETERMINED"
)

// Metric is one measurement as posted to POST /v2.0/metrics, after
// validation, owned by TenantID. Timestamp is the measurement's own time
// (the client's clock, from the posted milliseconds).
type Metric struct {
	TenantID   string
	Name       string
	Dimensions map[string]string
	Timestamp  time.Time
	Value      float64
	ValueMeta  map[string]string
}

// MetricDef identifies a metric series: name plus dimensions.
type MetricDef struct {
	Name       string
	Dimensions map[string]string
}

// NotificationMethod is a stored notification method.
type NotificationMethod struct {
	ID        string
	TenantID  string
	Name      string
	Type      string // upper-cased
	Address   string
	Period    int // seconds: 0 or 60 by default
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AlarmDefinition is a stored alarm definition. Expression is the text as
// posted; the threshold engine parses it itself.
type AlarmDefinition struct {
	ID                  string
	TenantID            string
	Name                string
	Description         string
	Expression          string
	Deterministic       bool
	Severity            string
	MatchBy             []string
	ActionsEnabled      bool
	AlarmActions        []string
	OKActions           []string
	UndeterminedActions []string
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// ActionsFor returns the notification method ids for a new state, as
// monasca-notification selects them (alarm_action rows by new state).
func (d AlarmDefinition) ActionsFor(state string) []string {
	switch state {
	case StateAlarm:
		return d.AlarmActions
	case StateOK:
		return d.OKActions
	case StateUndetermined:
		return d.UndeterminedActions
	}
	return nil
}

// Alarm is one alarm created by the threshold engine for a definition and a
// match_by group.
type Alarm struct {
	ID                    string
	DefinitionID          string
	TenantID              string
	Metrics               []MetricDef
	State                 string
	LifecycleState        *string
	Link                  *string
	StateUpdatedTimestamp time.Time
	UpdatedTimestamp      time.Time
	CreatedTimestamp      time.Time
}

// SubAlarmState is the state of one sub-expression at a transition, for
// state history (sub_alarms) and the state change reason.
type SubAlarmState struct {
	Expression    string // e.g. "avg(cpu.idle_perc{hostname=h1}) < 10.0"
	Function      string
	MetricName    string
	Dimensions    map[string]string
	Operator      string
	Threshold     float64
	Period        int
	Periods       int
	Deterministic bool
	State         string
	CurrentValues []float64
}

// Transition is an alarm-state-transitioned event: what monasca-thresh (or
// the API, on a manual state change) publishes and monasca-notification
// consumes.
type Transition struct {
	AlarmID          string
	DefinitionID     string
	TenantID         string
	AlarmName        string // the definition's name
	AlarmDescription string
	Severity         string
	OldState         string
	NewState         string
	Reason           string // stateChangeReason
	ReasonData       string
	ActionsEnabled   bool
	Timestamp        time.Time // engine wall clock at the transition
	Metrics          []MetricDef
	SubAlarms        []SubAlarmState
}

// Event kinds published on the Bus.
type (
	// DefinitionCreated: a definition reached the threshold engine. Alarms
	// may only be created from measurements that arrive after this.
	DefinitionCreated struct{ Definition AlarmDefinition }
	// DefinitionUpdated: PUT or PATCH changed a definition.
	DefinitionUpdated struct{ Definition AlarmDefinition }
	// DefinitionDeleted: the definition and all its alarms are gone.
	DefinitionDeleted struct{ DefinitionID, TenantID string }
	// AlarmDeleted: DELETE /alarms/{id}.
	AlarmDeleted struct{ AlarmID, DefinitionID string }
	// MetricsReceived: a validated batch from POST /v2.0/metrics.
	MetricsReceived struct{ Metrics []Metric }
	// AlarmTransitioned: an alarm changed state (engine or API).
	AlarmTransitioned struct{ Transition Transition }
	// MethodDeleted: a notification method was deleted.
	MethodDeleted struct{ MethodID string }
)

// Bus delivers events to subscribers. Publish must not block on slow
// subscribers for long; the lab's implementation queues per subscriber.
type Bus interface {
	Publish(event any)
	// Subscribe returns a channel of events published after the call, and a
	// cancel func. The channel is closed after cancel.
	Subscribe() (<-chan any, func())
}

// Store is what the engines need from the lab's in-memory store. All methods
// are safe for concurrent use and return copies.
type Store interface {
	Definition(id string) (AlarmDefinition, bool)
	Definitions() []AlarmDefinition
	NotificationMethod(id string) (NotificationMethod, bool)
	Alarm(id string) (Alarm, bool)
	AlarmsForDefinition(definitionID string) []Alarm
	// CreateAlarm stores a new alarm (the engine sets State, Metrics and
	// timestamps; an empty ID gets a fresh UUID) and returns it. It sends no
	// event: creating an alarm notifies nobody.
	CreateAlarm(a Alarm) (Alarm, error)
	// AddAlarmMetric records that a further series joined an existing alarm
	// (monasca-thresh's AlarmDAO.addAlarmedMetric), so GET /alarms lists
	// it. Adding a series the alarm already has is a no-op; an unknown
	// alarm is an error. It sends no event.
	AddAlarmMetric(alarmID string, m MetricDef) error
	// TransitionAlarm sets the alarm's state, records state history and
	// publishes AlarmTransitioned. It returns false when the alarm no longer
	// exists or is already in that state.
	TransitionAlarm(t Transition) bool
}

// MetricSink accepts measurements the way POST /v2.0/metrics would (used by
// the simulated agents, which post into the lab's monitoring project).
type MetricSink interface {
	PostMetrics(tenantID string, metrics []Metric) error
}
