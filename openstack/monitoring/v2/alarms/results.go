package alarms

import (
	"encoding/json"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/monhook/monhook/openstack/monitoring/v2/internal/paging"
)

// Alarm is one alarm of an alarm definition. Timestamps decode from both
// the Python API's "…:53Z" and the Java API's "…:53.000Z" forms.
type Alarm struct {
	// ID is a UUID assigned by monasca-thresh.
	ID string `json:"id"`
	// AlarmDefinition summarises the definition that created the alarm.
	AlarmDefinition AlarmDefinition `json:"alarm_definition"`
	// Metrics are the metrics the alarm watches.
	Metrics []Metric `json:"metrics"`
	// State is OK, ALARM or UNDETERMINED.
	State string `json:"state"`
	// LifecycleState is operator-set, nil until set.
	LifecycleState *string `json:"lifecycle_state"`
	// Link is operator-set, nil until set.
	Link *string `json:"link"`
	// StateUpdatedTimestamp is when State last changed.
	StateUpdatedTimestamp time.Time `json:"state_updated_timestamp"`
	// UpdatedTimestamp is when the alarm last changed.
	UpdatedTimestamp time.Time `json:"updated_timestamp"`
	// CreatedTimestamp is when monasca-thresh created the alarm.
	CreatedTimestamp time.Time `json:"created_timestamp"`
}

// AlarmDefinition is the definition summary embedded in an alarm.
type AlarmDefinition struct {
	// ID is the alarm definition's id.
	ID string `json:"id"`
	// Name is the alarm definition's name.
	Name string `json:"name"`
	// Severity is the alarm definition's severity.
	Severity string `json:"severity"`
}

// Metric identifies a metric by name and dimensions.
type Metric struct {
	// Name is the metric name, e.g. cpu.idle_perc.
	Name string `json:"name"`
	// Dimensions are the metric's dimensions.
	Dimensions map[string]string `json:"dimensions"`
}

type commonResult struct {
	gophercloud.Result
}

// Extract interprets a result as an Alarm.
func (r commonResult) Extract() (*Alarm, error) {
	var s Alarm
	if err := r.ExtractInto(&s); err != nil {
		return nil, err
	}
	return &s, nil
}

// GetResult is the result of Get; call Extract.
type GetResult struct{ commonResult }

// UpdateResult is the result of Update; call Extract.
type UpdateResult struct{ commonResult }

// PatchResult is the result of Patch; call Extract.
type PatchResult struct{ commonResult }

// DeleteResult is the result of Delete; call ExtractErr.
type DeleteResult struct{ gophercloud.ErrResult }

// AlarmPage is one page of an alarms list.
type AlarmPage struct {
	pagination.LinkedPageBase
}

// IsEmpty reports whether the page has no elements.
func (r AlarmPage) IsEmpty() (bool, error) { return paging.IsEmpty(r.LinkedPageBase) }

// NextPageURL rebuilds the "next" link from its offset (offset+limit); see
// paging.NextPageByLinkOffset.
func (r AlarmPage) NextPageURL() (string, error) {
	return paging.NextPageByLinkOffset(r.LinkedPageBase)
}

// ResourceKey names the key that holds the page's items.
func (r AlarmPage) ResourceKey() string { return paging.ResourceKey }

// ExtractAlarms returns the alarms on a page.
func ExtractAlarms(r pagination.Page) ([]Alarm, error) {
	var s []Alarm
	err := (r.(AlarmPage)).ExtractIntoSlicePtr(&s, paging.ResourceKey)
	return s, err
}

// StateHistory is one state transition of an alarm.
type StateHistory struct {
	// ID identifies the entry in the metrics store.
	ID string `json:"id"`
	// AlarmID is the alarm that changed.
	AlarmID string `json:"alarm_id"`
	// Metrics are the alarm's metrics at the time.
	Metrics []HistoryMetric `json:"metrics"`
	// OldState is the state before the transition.
	OldState string `json:"old_state"`
	// NewState is the state after the transition.
	NewState string `json:"new_state"`
	// Reason is a human-readable reason, e.g. "Alarm state updated via API".
	Reason string `json:"reason"`
	// ReasonData is kept raw: stores return it as a JSON string or object.
	ReasonData json.RawMessage `json:"reason_data"`
	// Timestamp is when the transition happened.
	Timestamp time.Time `json:"timestamp"`
	// SubAlarms are the sub-expression states that caused the transition.
	SubAlarms []SubAlarm `json:"sub_alarms"`
}

// HistoryMetric is a metric in a state history entry.
type HistoryMetric struct {
	// ID is the metric id, when the store has one.
	ID string `json:"id"`
	// Name is the metric name.
	Name string `json:"name"`
	// Dimensions are the metric's dimensions.
	Dimensions map[string]string `json:"dimensions"`
}

// SubAlarm is the state of one sub-expression at a transition.
type SubAlarm struct {
	// SubAlarmExpression is the parsed sub-expression.
	SubAlarmExpression SubAlarmExpression `json:"sub_alarm_expression"`
	// SubAlarmState is the sub-expression's state.
	SubAlarmState string `json:"sub_alarm_state"`
	// CurrentValues are the values that were evaluated.
	CurrentValues []float64 `json:"current_values"`
}

// SubAlarmExpression is a parsed sub-expression: func(metric_name{dimensions},
// period) operator threshold times periods, as monasca-thresh evaluated it.
type SubAlarmExpression struct {
	Function      string            `json:"function"`
	MetricName    string            `json:"metric_name"`
	Dimensions    map[string]string `json:"dimensions"`
	Operator      string            `json:"operator"`
	Threshold     float64           `json:"threshold"`
	Period        int               `json:"period"`
	Periods       int               `json:"periods"`
	Deterministic bool              `json:"deterministic"`
}

// StateHistoryPage is one page of an alarm's state history.
type StateHistoryPage struct {
	pagination.LinkedPageBase
}

// IsEmpty reports whether the page has no elements.
func (r StateHistoryPage) IsEmpty() (bool, error) { return paging.IsEmpty(r.LinkedPageBase) }

// NextPageURL rebuilds the "next" link from its offset; see
// paging.NextPageByLinkOffset.
func (r StateHistoryPage) NextPageURL() (string, error) {
	return paging.NextPageByLinkOffset(r.LinkedPageBase)
}

// ResourceKey names the key that holds the page's items.
func (r StateHistoryPage) ResourceKey() string { return paging.ResourceKey }

// ExtractStateHistory returns the state history entries on a page.
func ExtractStateHistory(r pagination.Page) ([]StateHistory, error) {
	var s []StateHistory
	err := (r.(StateHistoryPage)).ExtractIntoSlicePtr(&s, paging.ResourceKey)
	return s, err
}
