package alarmdefinitions

import (
	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/monhook/monhook/openstack/monitoring/v2/internal/paging"
)

// AlarmDefinition is a Monasca alarm definition as the Python API returns it
// (no expression_data, unlike the spec).
type AlarmDefinition struct {
	// ID is a UUID assigned by Monasca.
	ID string `json:"id"`
	// Name is unique within the project.
	Name string `json:"name"`
	// Description is free text, "" by default.
	Description string `json:"description"`
	// Expression is the threshold expression.
	Expression string `json:"expression"`
	// Deterministic is true only if every sub-expression is deterministic.
	Deterministic bool `json:"deterministic"`
	// MatchBy lists the dimension keys that split alarms.
	MatchBy []string `json:"match_by"`
	// Severity is upper-case: LOW, MEDIUM, HIGH or CRITICAL.
	Severity string `json:"severity"`
	// ActionsEnabled says whether state changes send notifications.
	ActionsEnabled bool `json:"actions_enabled"`
	// AlarmActions are notification method ids for transitions to ALARM.
	AlarmActions []string `json:"alarm_actions"`
	// OKActions are notification method ids for transitions to OK.
	OKActions []string `json:"ok_actions"`
	// UndeterminedActions are notification method ids for transitions to UNDETERMINED.
	UndeterminedActions []string `json:"undetermined_actions"`
}

type commonResult struct {
	gophercloud.Result
}

// Extract interprets a result as an AlarmDefinition.
func (r commonResult) Extract() (*AlarmDefinition, error) {
	var s AlarmDefinition
	if err := r.ExtractInto(&s); err != nil {
		return nil, err
	}
	return &s, nil
}

// CreateResult is the result of Create; call Extract.
type CreateResult struct{ commonResult }

// GetResult is the result of Get; call Extract.
type GetResult struct{ commonResult }

// UpdateResult is the result of Update; call Extract.
type UpdateResult struct{ commonResult }

// PatchResult is the result of Patch; call Extract.
type PatchResult struct{ commonResult }

// DeleteResult is the result of Delete; call ExtractErr.
type DeleteResult struct{ gophercloud.ErrResult }

// AlarmDefinitionPage is one page of an alarm definitions list.
type AlarmDefinitionPage struct {
	pagination.LinkedPageBase
}

// IsEmpty reports whether the page has no elements.
func (r AlarmDefinitionPage) IsEmpty() (bool, error) { return paging.IsEmpty(r.LinkedPageBase) }

// NextPageURL rebuilds the "next" link from its offset (offset+limit); see
// paging.NextPageByLinkOffset.
func (r AlarmDefinitionPage) NextPageURL() (string, error) {
	return paging.NextPageByLinkOffset(r.LinkedPageBase)
}

// ResourceKey names the key that holds the page's items.
func (r AlarmDefinitionPage) ResourceKey() string { return paging.ResourceKey }

// ExtractAlarmDefinitions returns the alarm definitions on a page.
func ExtractAlarmDefinitions(r pagination.Page) ([]AlarmDefinition, error) {
	var s []AlarmDefinition
	err := (r.(AlarmDefinitionPage)).ExtractIntoSlicePtr(&s, paging.ResourceKey)
	return s, err
}
