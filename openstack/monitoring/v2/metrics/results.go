package metrics

import (
	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/monhook/monhook/openstack/monitoring/v2/internal/paging"
)

// Metric is a measurement as posted; List fills only ID, Name and Dimensions.
type Metric struct {
	// ID is the store's metric id (List only).
	ID string `json:"id,omitempty"`
	// Name is the metric name.
	Name string `json:"name"`
	// Dimensions identify the series.
	Dimensions map[string]string `json:"dimensions"`
	// Timestamp is milliseconds since the epoch.
	Timestamp int64 `json:"timestamp,omitempty"`
	// Value is the measurement.
	Value float64 `json:"value,omitempty"`
	// ValueMeta is optional metadata.
	ValueMeta map[string]string `json:"value_meta,omitempty"`
}

// CreateResult is the result of Create; call ExtractErr.
type CreateResult struct{ gophercloud.ErrResult }

// MetricPage is one page of a metrics list.
type MetricPage struct {
	pagination.LinkedPageBase
}

// IsEmpty reports whether the page has no elements.
func (r MetricPage) IsEmpty() (bool, error) { return paging.IsEmpty(r.LinkedPageBase) }

// NextPageURL rebuilds the "next" link from its opaque offset; see
// paging.NextPageByLinkOffset.
func (r MetricPage) NextPageURL() (string, error) {
	return paging.NextPageByLinkOffset(r.LinkedPageBase)
}

// ResourceKey names the key that holds the page's items.
func (r MetricPage) ResourceKey() string { return paging.ResourceKey }

// ExtractMetrics returns the metrics on a page.
func ExtractMetrics(r pagination.Page) ([]Metric, error) {
	var s []Metric
	err := (r.(MetricPage)).ExtractIntoSlicePtr(&s, paging.ResourceKey)
	return s, err
}
