package alarms

import (
	"context"
	"net/http"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/monhook/monhook/openstack/monitoring/v2/internal/query"
)

// ListOptsBuilder allows extensions to add parameters to the List request.
type ListOptsBuilder interface {
	ToAlarmListQuery() (string, error)
}

// ListOpts filters and pages the alarms list.
type ListOpts struct {
	// AlarmDefinitionID selects the alarms of one definition.
	AlarmDefinitionID string `q:"alarm_definition_id"`
	// MetricName selects alarms on a metric name.
	MetricName string `q:"metric_name"`
	// MetricDimensions selects alarms by metric dimensions, sent as
	// metric_dimensions=k:v,k2:v2; an empty value matches any value.
	MetricDimensions map[string]string
	// State is OK, ALARM or UNDETERMINED (case-insensitive).
	State string `q:"state"`
	// Severity is a | list of LOW, MEDIUM, HIGH, CRITICAL.
	Severity string `q:"severity"`
	// LifecycleState matches the operator-set lifecycle state.
	LifecycleState string `q:"lifecycle_state"`
	// Link matches the operator-set link.
	Link string `q:"link"`
	// StateUpdatedStartTime selects alarms whose state changed at or after it.
	StateUpdatedStartTime time.Time
	// SortBy is a comma list of alarm fields (alarm_id, state, severity, …).
	SortBy string `q:"sort_by"`
	// Offset is the integer row offset to start from.
	Offset int `q:"offset"`
	// Limit caps the number of elements per page.
	Limit int `q:"limit"`
}

// ToAlarmListQuery formats ListOpts into a query string.
func (opts ListOpts) ToAlarmListQuery() (string, error) {
	extra := map[string]string{"metric_dimensions": query.Dimensions(opts.MetricDimensions)}
	if !opts.StateUpdatedStartTime.IsZero() {
		extra["state_updated_start_time"] = query.Time(opts.StateUpdatedStartTime)
	}
	return query.Build(opts, extra)
}

// List returns a Pager over the alarms of the token's project.
func List(c *gophercloud.ServiceClient, opts ListOptsBuilder) pagination.Pager {
	url := rootURL(c)
	if opts != nil {
		q, err := opts.ToAlarmListQuery()
		if err != nil {
			return pagination.Pager{Err: err}
		}
		url += q
	}
	return pagination.NewPager(c, url, func(r pagination.PageResult) pagination.Page {
		return AlarmPage{pagination.LinkedPageBase{PageResult: r}}
	})
}

// Get retrieves one alarm.
func Get(ctx context.Context, c *gophercloud.ServiceClient, id string) (r GetResult) {
	resp, err := c.Get(ctx, resourceURL(c, id), &r.Body, &gophercloud.RequestOpts{
		OkCodes: []int{http.StatusOK},
	})
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, err)
	return
}

// UpdateOptsBuilder allows extensions to add fields to the Update request.
type UpdateOptsBuilder interface {
	ToAlarmUpdateMap() (map[string]any, error)
}

// UpdateOpts replaces an alarm's mutable fields (PUT). Monasca requires all
// three to be non-empty (422 "Field 'link' is required" otherwise).
type UpdateOpts struct {
	// State is OK, ALARM or UNDETERMINED. A change sends the same
	// notifications as a real transition.
	State string `json:"state" required:"true"`
	// LifecycleState is operator-defined, e.g. OPEN.
	LifecycleState string `json:"lifecycle_state" required:"true"`
	// Link is an operator-defined URL, e.g. a ticket.
	Link string `json:"link" required:"true"`
}

// ToAlarmUpdateMap builds the request body.
func (opts UpdateOpts) ToAlarmUpdateMap() (map[string]any, error) {
	return gophercloud.BuildRequestBody(opts, "")
}

// Update replaces an alarm's state, lifecycle state and link. Monasca answers 200.
func Update(ctx context.Context, c *gophercloud.ServiceClient, id string, opts UpdateOptsBuilder) (r UpdateResult) {
	b, err := opts.ToAlarmUpdateMap()
	if err != nil {
		r.Err = err
		return
	}
	resp, err := c.Put(ctx, resourceURL(c, id), b, &r.Body, &gophercloud.RequestOpts{
		OkCodes: []int{http.StatusOK},
	})
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, err)
	return
}

// PatchOptsBuilder allows extensions to add fields to the Patch request.
type PatchOptsBuilder interface {
	ToAlarmPatchMap() (map[string]any, error)
}

// PatchOpts changes only the fields that are set; Monasca fills the others
// from the stored alarm.
type PatchOpts struct {
	// State is OK, ALARM or UNDETERMINED.
	State *string `json:"state,omitempty"`
	// LifecycleState is operator-defined.
	LifecycleState *string `json:"lifecycle_state,omitempty"`
	// Link is an operator-defined URL.
	Link *string `json:"link,omitempty"`
}

// ToAlarmPatchMap builds the request body.
func (opts PatchOpts) ToAlarmPatchMap() (map[string]any, error) {
	return gophercloud.BuildRequestBody(opts, "")
}

// Patch changes some of an alarm's fields. Monasca answers 200.
func Patch(ctx context.Context, c *gophercloud.ServiceClient, id string, opts PatchOptsBuilder) (r PatchResult) {
	b, err := opts.ToAlarmPatchMap()
	if err != nil {
		r.Err = err
		return
	}
	resp, err := c.Patch(ctx, resourceURL(c, id), b, &r.Body, &gophercloud.RequestOpts{
		OkCodes: []int{http.StatusOK},
	})
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, err)
	return
}

// Delete removes an alarm. Monasca answers 204; if matching metrics keep
// arriving, monasca-thresh creates a new alarm with a new id.
func Delete(ctx context.Context, c *gophercloud.ServiceClient, id string) (r DeleteResult) {
	resp, err := c.Delete(ctx, resourceURL(c, id), &gophercloud.RequestOpts{
		OkCodes: []int{http.StatusNoContent},
	})
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, err)
	return
}

// StateHistoryOptsBuilder allows extensions to add parameters to ListStateHistory.
type StateHistoryOptsBuilder interface {
	ToAlarmStateHistoryQuery() (string, error)
}

// StateHistoryOpts pages an alarm's state history.
type StateHistoryOpts struct {
	// Offset is the opaque offset from a previous page (the metrics store decides its form).
	Offset string `q:"offset"`
	// Limit caps the number of elements per page.
	Limit int `q:"limit"`
}

// ToAlarmStateHistoryQuery formats StateHistoryOpts into a query string.
func (opts StateHistoryOpts) ToAlarmStateHistoryQuery() (string, error) {
	return query.Build(opts, nil)
}

// ListStateHistory returns a Pager over one alarm's state transitions.
func ListStateHistory(c *gophercloud.ServiceClient, id string, opts StateHistoryOptsBuilder) pagination.Pager {
	url := stateHistoryURL(c, id)
	if opts != nil {
		q, err := opts.ToAlarmStateHistoryQuery()
		if err != nil {
			return pagination.Pager{Err: err}
		}
		url += q
	}
	return pagination.NewPager(c, url, func(r pagination.PageResult) pagination.Page {
		return StateHistoryPage{pagination.LinkedPageBase{PageResult: r}}
	})
}
