package alarmdefinitions

import (
	"context"
	"net/http"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/monhook/monhook/openstack/monitoring/v2/internal/query"
)

// ListOptsBuilder allows extensions to add parameters to the List request.
type ListOptsBuilder interface {
	ToAlarmDefinitionListQuery() (string, error)
}

// ListOpts filters and pages the alarm definitions list.
type ListOpts struct {
	// Name matches the definition name exactly.
	Name string `q:"name"`
	// Dimensions matches definitions whose sub-expressions carry these
	// pairs; sent as dimensions=k:v,k2:v2 (no q tag: encoded by hand).
	Dimensions map[string]string
	// Severity is LOW, MEDIUM, HIGH or CRITICAL (Monasca accepts a | list).
	Severity string `q:"severity"`
	// SortBy is a comma list of fields from id, name, severity, updated_at, created_at.
	SortBy string `q:"sort_by"`
	// Offset is the integer row offset to start from.
	Offset int `q:"offset"`
	// Limit caps the number of elements per page.
	Limit int `q:"limit"`
}

// ToAlarmDefinitionListQuery formats ListOpts into a query string.
func (opts ListOpts) ToAlarmDefinitionListQuery() (string, error) {
	return query.Build(opts, map[string]string{"dimensions": query.Dimensions(opts.Dimensions)})
}

// List returns a Pager over the alarm definitions of the token's project.
func List(c *gophercloud.ServiceClient, opts ListOptsBuilder) pagination.Pager {
	url := rootURL(c)
	if opts != nil {
		q, err := opts.ToAlarmDefinitionListQuery()
		if err != nil {
			return pagination.Pager{Err: err}
		}
		url += q
	}
	return pagination.NewPager(c, url, func(r pagination.PageResult) pagination.Page {
		return AlarmDefinitionPage{pagination.LinkedPageBase{PageResult: r}}
	})
}

// Get retrieves one alarm definition.
func Get(ctx context.Context, c *gophercloud.ServiceClient, id string) (r GetResult) {
	resp, err := c.Get(ctx, resourceURL(c, id), &r.Body, &gophercloud.RequestOpts{
		OkCodes: []int{http.StatusOK},
	})
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, err)
	return
}

// CreateOptsBuilder allows extensions to add fields to the Create request.
type CreateOptsBuilder interface {
	ToAlarmDefinitionCreateMap() (map[string]any, error)
}

// CreateOpts is the body of a Create request. actions_enabled is not sent:
// Monasca always creates definitions with actions enabled.
type CreateOpts struct {
	// Name is unique within the project (at most 255 characters).
	Name string `json:"name" required:"true"`
	// Description is free text (at most 255 characters); Monasca defaults it to "".
	Description string `json:"description,omitempty"`
	// Expression is the threshold expression, e.g. "max(cpu.idle_perc{hostname=h1}) > 0".
	Expression string `json:"expression" required:"true"`
	// MatchBy lists dimension keys that split alarms, e.g. ["hostname"].
	MatchBy []string `json:"match_by,omitempty"`
	// Severity is LOW (the server default), MEDIUM, HIGH or CRITICAL.
	Severity string `json:"severity,omitempty"`
	// AlarmActions are notification method ids for transitions to ALARM.
	AlarmActions []string `json:"alarm_actions,omitempty"`
	// OKActions are notification method ids for transitions to OK.
	OKActions []string `json:"ok_actions,omitempty"`
	// UndeterminedActions are notification method ids for transitions to UNDETERMINED.
	UndeterminedActions []string `json:"undetermined_actions,omitempty"`
}

// ToAlarmDefinitionCreateMap builds the request body.
func (opts CreateOpts) ToAlarmDefinitionCreateMap() (map[string]any, error) {
	return gophercloud.BuildRequestBody(opts, "")
}

// Create creates an alarm definition. Monasca answers 201.
func Create(ctx context.Context, c *gophercloud.ServiceClient, opts CreateOptsBuilder) (r CreateResult) {
	b, err := opts.ToAlarmDefinitionCreateMap()
	if err != nil {
		r.Err = err
		return
	}
	resp, err := c.Post(ctx, rootURL(c), b, &r.Body, &gophercloud.RequestOpts{
		OkCodes: []int{http.StatusCreated},
	})
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, err)
	return
}

// UpdateOptsBuilder allows extensions to add fields to the Update request.
type UpdateOptsBuilder interface {
	ToAlarmDefinitionUpdateMap() (map[string]any, error)
}

// UpdateOpts replaces an alarm definition (PUT). Monasca requires every key,
// so nil lists are sent as [] and every field is always present. MatchBy
// must equal the stored value, and the expression may not change its
// metrics or the number of sub-expressions (422 otherwise).
type UpdateOpts struct {
	// Name is the new name.
	Name string `json:"name" required:"true"`
	// Description is the new description.
	Description string `json:"description"`
	// Expression is the new expression.
	Expression string `json:"expression" required:"true"`
	// MatchBy must be unchanged.
	MatchBy []string `json:"match_by"`
	// Severity is the new severity.
	Severity string `json:"severity"`
	// AlarmActions replaces the ALARM actions.
	AlarmActions []string `json:"alarm_actions"`
	// OKActions replaces the OK actions.
	OKActions []string `json:"ok_actions"`
	// UndeterminedActions replaces the UNDETERMINED actions.
	UndeterminedActions []string `json:"undetermined_actions"`
	// ActionsEnabled switches notifications on or off.
	ActionsEnabled bool `json:"actions_enabled"`
}

// ToAlarmDefinitionUpdateMap builds the request body.
func (opts UpdateOpts) ToAlarmDefinitionUpdateMap() (map[string]any, error) {
	if opts.Severity == "" {
		opts.Severity = "LOW"
	}
	for _, l := range []*[]string{&opts.MatchBy, &opts.AlarmActions, &opts.OKActions, &opts.UndeterminedActions} {
		if *l == nil {
			*l = []string{}
		}
	}
	return gophercloud.BuildRequestBody(opts, "")
}

// Update replaces an alarm definition. Monasca answers 200.
func Update(ctx context.Context, c *gophercloud.ServiceClient, id string, opts UpdateOptsBuilder) (r UpdateResult) {
	b, err := opts.ToAlarmDefinitionUpdateMap()
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
	ToAlarmDefinitionPatchMap() (map[string]any, error)
}

// PatchOpts changes only the fields that are set. An action list that is
// set replaces the stored list for that state; a pointer to an empty slice
// clears it.
type PatchOpts struct {
	// Name is the new name.
	Name *string `json:"name,omitempty"`
	// Description is the new description.
	Description *string `json:"description,omitempty"`
	// Expression is the new expression.
	Expression *string `json:"expression,omitempty"`
	// Severity is the new severity.
	Severity *string `json:"severity,omitempty"`
	// AlarmActions replaces the ALARM actions.
	AlarmActions *[]string `json:"alarm_actions,omitempty"`
	// OKActions replaces the OK actions.
	OKActions *[]string `json:"ok_actions,omitempty"`
	// UndeterminedActions replaces the UNDETERMINED actions.
	UndeterminedActions *[]string `json:"undetermined_actions,omitempty"`
	// ActionsEnabled switches notifications on or off.
	ActionsEnabled *bool `json:"actions_enabled,omitempty"`
}

// ToAlarmDefinitionPatchMap builds the request body.
func (opts PatchOpts) ToAlarmDefinitionPatchMap() (map[string]any, error) {
	return gophercloud.BuildRequestBody(opts, "")
}

// Patch changes some fields of an alarm definition. Monasca answers 200.
func Patch(ctx context.Context, c *gophercloud.ServiceClient, id string, opts PatchOptsBuilder) (r PatchResult) {
	b, err := opts.ToAlarmDefinitionPatchMap()
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

// Delete removes an alarm definition and, in the same transaction, all its
// alarms. Monasca answers 204.
func Delete(ctx context.Context, c *gophercloud.ServiceClient, id string) (r DeleteResult) {
	resp, err := c.Delete(ctx, resourceURL(c, id), &gophercloud.RequestOpts{
		OkCodes: []int{http.StatusNoContent},
	})
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, err)
	return
}
