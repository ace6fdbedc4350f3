package measurements

import (
	"strconv"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/monhook/monhook/openstack/monitoring/v2/internal/query"
)

// ListOptsBuilder allows extensions to add parameters to the List request.
type ListOptsBuilder interface {
	ToMeasurementListQuery() (string, error)
}

// ListOpts selects measurements. Name and StartTime are required by Monasca.
type ListOpts struct {
	// Name is the metric name.
	Name string `q:"name" required:"true"`
	// Dimensions filter the series, sent as dimensions=k:v,k2:v2.
	Dimensions map[string]string
	// StartTime is the earliest measurement to return (required).
	StartTime time.Time
	// EndTime bounds the range; zero means now.
	EndTime time.Time
	// MergeMetrics merges every matching series into one.
	MergeMetrics bool
	// GroupBy is a comma list of dimension keys ("*" for all) to group series by.
	GroupBy string `q:"group_by"`
	// TenantID reads another project's measurements (delegate role only).
	TenantID string `q:"tenant_id"`
	// Offset is the opaque offset from a previous page.
	Offset string `q:"offset"`
	// Limit caps the number of measurements per page.
	Limit int `q:"limit"`
}

// ToMeasurementListQuery formats ListOpts into a query string.
func (opts ListOpts) ToMeasurementListQuery() (string, error) {
	if opts.Name == "" {
		return "", gophercloud.ErrMissingInput{Argument: "Name"}
	}
	if opts.StartTime.IsZero() {
		return "", gophercloud.ErrMissingInput{Argument: "StartTime"}
	}
	extra := map[string]string{
		"dimensions": query.Dimensions(opts.Dimensions),
		"start_time": query.Time(opts.StartTime),
	}
	if !opts.EndTime.IsZero() {
		extra["end_time"] = query.Time(opts.EndTime)
	}
	if opts.MergeMetrics {
		extra["merge_metrics"] = strconv.FormatBool(true)
	}
	return query.Build(opts, extra)
}

// List returns a Pager over measurement series.
func List(c *gophercloud.ServiceClient, opts ListOptsBuilder) pagination.Pager {
	url := listURL(c)
	if opts != nil {
		q, err := opts.ToMeasurementListQuery()
		if err != nil {
			return pagination.Pager{Err: err}
		}
		url += q
	}
	return pagination.NewPager(c, url, func(r pagination.PageResult) pagination.Page {
		return SeriesPage{pagination.LinkedPageBase{PageResult: r}}
	})
}
