package notificationmethods

import (
	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/pagination"

	monitoring "github.com/monhook/monhook/openstack/monitoring/v2"
	"github.com/monhook/monhook/openstack/monitoring/v2/internal/paging"
)

// NotificationMethod is where Monasca sends a notification.
type NotificationMethod struct {
	// ID is a UUID assigned by Monasca.
	ID string `json:"id"`
	// Name is unique within the project.
	Name string `json:"name"`
	// Type is upper-cased by Monasca (WEBHOOK, EMAIL, PAGERDUTY, …).
	Type string `json:"type"`
	// Address is the target: URL, e-mail address or key.
	Address string `json:"address"`
	// Period is the re-send interval in seconds, 0 for once.
	Period int `json:"period"`
}

type commonResult struct {
	gophercloud.Result
}

// Extract interprets a result as a NotificationMethod.
func (r commonResult) Extract() (*NotificationMethod, error) {
	var s NotificationMethod
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

// ProbeCreateResult is the result of ProbeCreate; call ExtractErr.
type ProbeCreateResult struct {
	gophercloud.ErrResult
	body []byte
}

// Answer reads the expected 400 or 422's error body: its Flavor tells the
// Python API from the Java one. ok is false after an error or for a body of
// no known shape.
func (r ProbeCreateResult) Answer() (monitoring.Answer, bool) {
	return monitoring.ParseAnswer(r.body)
}

// NotificationMethodPage is one page of a notification methods list.
type NotificationMethodPage struct {
	pagination.LinkedPageBase
}

// IsEmpty reports whether the page has no elements.
func (r NotificationMethodPage) IsEmpty() (bool, error) { return paging.IsEmpty(r.LinkedPageBase) }

// NextPageURL rebuilds the next URL with an integer offset; see paging.NextPageByIntegerOffset.
func (r NotificationMethodPage) NextPageURL() (string, error) {
	return paging.NextPageByIntegerOffset(r.LinkedPageBase)
}

// ResourceKey names the key that holds the page's items.
func (r NotificationMethodPage) ResourceKey() string { return paging.ResourceKey }

// ExtractNotificationMethods returns the notification methods on a page.
func ExtractNotificationMethods(r pagination.Page) ([]NotificationMethod, error) {
	var s []NotificationMethod
	err := (r.(NotificationMethodPage)).ExtractIntoSlicePtr(&s, paging.ResourceKey)
	return s, err
}

// Type is a registered notification type.
type Type struct {
	// Type is the upper-case type name, e.g. WEBHOOK.
	Type string `json:"type"`
}

// TypePage is one page of the notification types list.
type TypePage struct {
	pagination.LinkedPageBase
}

// IsEmpty reports whether the page has no elements.
func (r TypePage) IsEmpty() (bool, error) { return paging.IsEmpty(r.LinkedPageBase) }

// NextPageURL returns the next link, if any.
func (r TypePage) NextPageURL() (string, error) { return paging.NextPageURL(r.LinkedPageBase) }

// ResourceKey names the key that holds the page's items.
func (r TypePage) ResourceKey() string { return paging.ResourceKey }

// ExtractTypes returns the type names on a page, e.g. ["EMAIL","WEBHOOK"].
func ExtractTypes(r pagination.Page) ([]string, error) {
	var s []Type
	if err := (r.(TypePage)).ExtractIntoSlicePtr(&s, paging.ResourceKey); err != nil {
		return nil, err
	}
	names := make([]string, len(s))
	for i, t := range s {
		names[i] = t.Type
	}
	return names, nil
}
