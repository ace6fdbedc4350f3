package notificationmethods

import (
	"context"
	"io"
	"net/http"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/pagination"
)

// ListOptsBuilder allows extensions to add parameters to the List request.
type ListOptsBuilder interface {
	ToNotificationMethodListQuery() (string, error)
}

// ListOpts filters and pages the notification methods list.
type ListOpts struct {
	// SortBy is a comma list of "field [asc|desc]" with fields from
	// id, name, type, address, created_at, updated_at.
	SortBy string `q:"sort_by"`
	// Offset is the integer row offset to start from.
	Offset int `q:"offset"`
	// Limit caps the number of elements per page (server maximum 10000).
	Limit int `q:"limit"`
}

// ToNotificationMethodListQuery formats ListOpts into a query string.
func (opts ListOpts) ToNotificationMethodListQuery() (string, error) {
	q, err := gophercloud.BuildQueryString(opts)
	if err != nil {
		return "", err
	}
	return q.String(), nil
}

// List returns a Pager over the notification methods of the token's project.
// Pages are followed with integer offsets, never with the server's "next"
// link, which carries a UUID the server itself rejects.
func List(c *gophercloud.ServiceClient, opts ListOptsBuilder) pagination.Pager {
	url := rootURL(c)
	if opts != nil {
		query, err := opts.ToNotificationMethodListQuery()
		if err != nil {
			return pagination.Pager{Err: err}
		}
		url += query
	}
	return pagination.NewPager(c, url, func(r pagination.PageResult) pagination.Page {
		return NotificationMethodPage{pagination.LinkedPageBase{PageResult: r}}
	})
}

// ListTypes returns a Pager over the notification types registered by
// monasca-notification's enabled plugins. WEBHOOK is absent until
// monasca-notification has started once with its webhook plugin.
func ListTypes(c *gophercloud.ServiceClient) pagination.Pager {
	return pagination.NewPager(c, typesURL(c), func(r pagination.PageResult) pagination.Page {
		return TypePage{pagination.LinkedPageBase{PageResult: r}}
	})
}

// Get retrieves one notification method.
func Get(ctx context.Context, c *gophercloud.ServiceClient, id string) (r GetResult) {
	resp, err := c.Get(ctx, resourceURL(c, id), &r.Body, &gophercloud.RequestOpts{
		OkCodes: []int{http.StatusOK},
	})
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, err)
	return
}

// CreateOptsBuilder allows extensions to add fields to the Create request.
type CreateOptsBuilder interface {
	ToNotificationMethodCreateMap() (map[string]any, error)
}

// CreateOpts is the body of a Create request.
type CreateOpts struct {
	// Name is the method's name, unique within the project (at most 250 characters).
	Name string `json:"name" required:"true"`
	// Type is EMAIL, PAGERDUTY, WEBHOOK or another registered type; Monasca upper-cases it.
	Type string `json:"type" required:"true"`
	// Address is the e-mail address, PagerDuty key or http(s) URL (at most 512 characters).
	Address string `json:"address" required:"true"`
	// Period is the re-send interval in seconds while an alarm stays in
	// ALARM: 0 (send once, the server default when nil) or 60.
	Period *int `json:"period,omitempty"`
}

// ToNotificationMethodCreateMap builds the request body.
func (opts CreateOpts) ToNotificationMethodCreateMap() (map[string]any, error) {
	return gophercloud.BuildRequestBody(opts, "")
}

// Create creates a notification method. Monasca answers 201.
func Create(ctx context.Context, c *gophercloud.ServiceClient, opts CreateOptsBuilder) (r CreateResult) {
	b, err := opts.ToNotificationMethodCreateMap()
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
	ToNotificationMethodUpdateMap() (map[string]any, error)
}

// UpdateOpts replaces a notification method (PUT): every field is required,
// period included.
type UpdateOpts struct {
	// Name is the new name.
	Name string `json:"name" required:"true"`
	// Type is the new type.
	Type string `json:"type" required:"true"`
	// Address is the new address.
	Address string `json:"address" required:"true"`
	// Period is the new period (0 or 60); PUT requires it, so 0 is sent.
	Period int `json:"period"`
}

// ToNotificationMethodUpdateMap builds the request body.
func (opts UpdateOpts) ToNotificationMethodUpdateMap() (map[string]any, error) {
	return gophercloud.BuildRequestBody(opts, "")
}

// Update replaces a notification method. Monasca answers 200 to this PUT,
// which is not in gophercloud's default PUT codes.
func Update(ctx context.Context, c *gophercloud.ServiceClient, id string, opts UpdateOptsBuilder) (r UpdateResult) {
	b, err := opts.ToNotificationMethodUpdateMap()
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
	ToNotificationMethodPatchMap() (map[string]any, error)
}

// PatchOpts changes only the fields that are set.
type PatchOpts struct {
	// Name is the new name.
	Name *string `json:"name,omitempty"`
	// Type is the new type.
	Type *string `json:"type,omitempty"`
	// Address is the new address.
	Address *string `json:"address,omitempty"`
	// Period is the new period (0 or 60).
	Period *int `json:"period,omitempty"`
}

// ToNotificationMethodPatchMap builds the request body.
func (opts PatchOpts) ToNotificationMethodPatchMap() (map[string]any, error) {
	return gophercloud.BuildRequestBody(opts, "")
}

// Patch changes some fields of a notification method. Monasca answers 200.
func Patch(ctx context.Context, c *gophercloud.ServiceClient, id string, opts PatchOptsBuilder) (r PatchResult) {
	b, err := opts.ToNotificationMethodPatchMap()
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

// Delete removes a notification method. Monasca answers 204 and silently
// drops the method from every alarm definition's action lists.
func Delete(ctx context.Context, c *gophercloud.ServiceClient, id string) (r DeleteResult) {
	resp, err := c.Delete(ctx, resourceURL(c, id), &gophercloud.RequestOpts{
		OkCodes: []int{http.StatusNoContent},
	})
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, err)
	return
}

// ProbeCreate asks whether the token may create notification methods without
// creating one: it POSTs an empty body. Monasca checks authorization before
// the body, so the answer is 401 "Forbidden" without the write role (an
// error) and 400 or 422 (name required) with it (no error). That answer's
// body is kept: its shape tells the API's flavor (ProbeCreateResult.Answer).
func ProbeCreate(ctx context.Context, c *gophercloud.ServiceClient) (r ProbeCreateResult) {
	resp, err := c.Post(ctx, rootURL(c), map[string]any{}, nil, &gophercloud.RequestOpts{
		OkCodes:          []int{http.StatusBadRequest, http.StatusUnprocessableEntity},
		KeepResponseBody: true,
	})
	if err == nil && resp != nil && resp.Body != nil {
		// Error bodies are a few hundred bytes; the limit guards against a
		// proxy's page.
		r.body, _ = io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
	}
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, err)
	return
}
