package versions

import (
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/monhook/monhook/openstack/monitoring/v2/internal/paging"
)

// Version is a Monasca API version document.
type Version struct {
	// ID is the version, e.g. "v2.0".
	ID string `json:"id"`
	// Status is e.g. "CURRENT".
	Status string `json:"status"`
	// Updated is the version's date.
	Updated time.Time `json:"updated"`
	// Links holds the self link, whose href ends in the version.
	Links []gophercloud.Link `json:"links"`
}

// GetResult is the result of Get; call Extract.
type GetResult struct{ gophercloud.Result }

// Extract interprets a result as a Version.
func (r GetResult) Extract() (*Version, error) {
	var s Version
	if err := r.ExtractInto(&s); err != nil {
		return nil, err
	}
	return &s, nil
}

// VersionPage is the version list.
type VersionPage struct {
	pagination.LinkedPageBase
}

// IsEmpty reports whether the page has no versions.
func (r VersionPage) IsEmpty() (bool, error) { return paging.IsEmpty(r.LinkedPageBase) }

// NextPageURL returns the next link; the version list has none.
func (r VersionPage) NextPageURL() (string, error) { return paging.NextPageURL(r.LinkedPageBase) }

// ResourceKey names the key that holds the page's items.
func (r VersionPage) ResourceKey() string { return paging.ResourceKey }

// ExtractVersions returns the versions on a page.
func ExtractVersions(r pagination.Page) ([]Version, error) {
	var s []Version
	err := (r.(VersionPage)).ExtractIntoSlicePtr(&s, paging.ResourceKey)
	return s, err
}
