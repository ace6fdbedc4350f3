package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/monhook/monhook/openstack/monitoring/v2/internal/query"
)

// CreateOptsBuilder allows extensions to build the Create body. The body is
// a JSON object for one measurement or a bare JSON array for a batch, so it
// is returned as any rather than a map.
type CreateOptsBuilder interface {
	ToMetricCreateBody() (any, error)
}

// CreateOpts is one measurement to post.
type CreateOpts struct {
	// Name is the metric name (1–255 characters; no space, ( ) < > = { } , " \ ; &).
	Name string `json:"name" required:"true"`
	// Dimensions identify the series; values must be non-empty.
	Dimensions map[string]string `json:"dimensions,omitempty"`
	// Timestamp is milliseconds since the epoch. monasca-thresh ignores
	// measurements outside its window, so use the current time.
	Timestamp int64 `json:"timestamp" required:"true"`
	// Value is the measurement (not NaN or Inf).
	Value float64 `json:"value"`
	// ValueMeta is optional metadata (at most 16 entries).
	ValueMeta map[string]string `json:"value_meta,omitempty"`
}

// ToMetricCreateBody builds the JSON object for one measurement.
func (opts CreateOpts) ToMetricCreateBody() (any, error) {
	if opts.Timestamp == 0 {
		// The zero value is 1970, which Monasca stores but never alarms on;
		// it is always a forgotten field.
		return nil, gophercloud.ErrMissingInput{Argument: "Timestamp"}
	}
	return gophercloud.BuildRequestBody(opts, "")
}

// BatchCreateOpts is several measurements posted in one request.
type BatchCreateOpts []CreateOpts

// ToMetricCreateBody builds the bare JSON array Monasca expects for a batch
// (gophercloud.BuildRequestBody cannot build a top-level array).
func (opts BatchCreateOpts) ToMetricCreateBody() (any, error) {
	body := make([]any, 0, len(opts))
	for _, m := range opts {
		b, err := m.ToMetricCreateBody()
		if err != nil {
			return nil, err
		}
		body = append(body, b)
	}
	return body, nil
}

// Create posts one measurement or a batch. Monasca answers 204 No Content.
func Create(ctx context.Context, c *gophercloud.ServiceClient, opts CreateOptsBuilder) (r CreateResult) {
	b, err := opts.ToMetricCreateBody()
	if err != nil {
		r.Err = err
		return
	}
	resp, err := c.Post(ctx, rootURL(c), b, nil, &gophercloud.RequestOpts{
		OkCodes: []int{http.StatusNoContent},
	})
	_, r.Header, r.Err = gophercloud.ParseResponse(resp, err)
	return
}

// ListOptsBuilder allows extensions to add parameters to the List request.
type ListOptsBuilder interface {
	ToMetricListQuery() (string, error)
}

// ListOpts filters GET /metrics.
type ListOpts struct {
	// Name matches the metric name exactly.
	Name string `q:"name"`
	// Dimensions filter the series, sent as dimensions=k:v,k2:v2.
	Dimensions map[string]string
	// StartTime keeps metrics with measurements at or after it.
	StartTime time.Time
	// EndTime keeps metrics with measurements before it.
	EndTime time.Time
	// TenantID lists another project's metrics (needs a delegate role;
	// silently ignored without one).
	TenantID string `q:"tenant_id"`
	// Offset is the opaque offset from a previous page.
	Offset string `q:"offset"`
	// Limit caps the number of elements per page.
	Limit int `q:"limit"`
}

// ToMetricListQuery formats ListOpts into a query string.
func (opts ListOpts) ToMetricListQuery() (string, error) {
	extra := map[string]string{"dimensions": query.Dimensions(opts.Dimensions)}
	if !opts.StartTime.IsZero() {
		extra["start_time"] = query.Time(opts.StartTime)
	}
	if !opts.EndTime.IsZero() {
		extra["end_time"] = query.Time(opts.EndTime)
	}
	return query.Build(opts, extra)
}

// List returns a Pager over the metrics (name + dimensions) of the project.
func List(c *gophercloud.ServiceClient, opts ListOptsBuilder) pagination.Pager {
	url := rootURL(c)
	if opts != nil {
		q, err := opts.ToMetricListQuery()
		if err != nil {
			return pagination.Pager{Err: err}
		}
		url += q
	}
	return pagination.NewPager(c, url, func(r pagination.PageResult) pagination.Page {
		return MetricPage{pagination.LinkedPageBase{PageResult: r}}
	})
}
