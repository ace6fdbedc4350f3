// Package paging holds the page logic shared by every Monasca list.
//
// Monasca answers lists as {"links":[{"rel":"self","href":…},{"rel":"next","href":…}],
// "elements":[…]}: an object (not a bare array) whose links are an array (not a
// map). Both defaults of pagination.LinkedPageBase fail on that shape, so each
// resource's page type delegates IsEmpty and NextPageURL to the functions here.
package paging

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/pagination"
)

// ResourceKey is the body key that holds a page's items. Page types return
// it from ResourceKey so pagination.AllPages concatenates the right array.
const ResourceKey = "elements"

// IsEmpty reports whether a Monasca page carries no elements.
func IsEmpty(r pagination.LinkedPageBase) (bool, error) {
	if r.StatusCode == http.StatusNoContent {
		return true, nil
	}
	n, err := count(r)
	return n == 0, err
}

// NextPageURL returns the href of the "next" link, or "" on the last page,
// to be followed literally. Only for lists without query parameters that
// need escaping (notification-method types); see NextPageByLinkOffset.
func NextPageURL(r pagination.LinkedPageBase) (string, error) {
	var s struct {
		Links []gophercloud.Link `json:"links"`
	}
	if err := r.ExtractInto(&s); err != nil {
		return "", err
	}
	return gophercloud.ExtractNextURL(s.Links)
}

// NextPageByIntegerOffset is NextPageURL for endpoints whose "next" link is
// known to be wrong: notification-methods puts the last element's UUID into
// offset= (reference §2) and then rejects that very offset with 422. The
// link's presence still says that more rows exist, so the next URL is rebuilt
// from the URL of the current page with offset = current offset + elements
// received, keeping every other query parameter (limit, sort_by).
func NextPageByIntegerOffset(r pagination.LinkedPageBase) (string, error) {
	next, err := NextPageURL(r)
	if err != nil || next == "" {
		return "", err
	}
	n, err := count(r)
	if err != nil || n == 0 {
		return "", err
	}
	u := r.URL // a copy: the page keeps its own URL
	q := u.Query()
	offset := 0
	if s := q.Get("offset"); s != "" {
		offset, err = strconv.Atoi(s)
		if err != nil {
			return "", fmt.Errorf("current page offset %q is not an integer: %w", s, err)
		}
	}
	q.Set("offset", strconv.Itoa(offset+n))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// NextPageByLinkOffset is NextPageURL for the links monasca-api's
// helpers.paginate, paginate_alarming, paginate_measurements and
// paginate_statistics build (alarm definitions, alarms, state history,
// metrics, measurements). They quote the request's query, still
// percent-encoded, a second time: following one literally sends
// start_time=2015-03-03T05%253A00%253A00Z (422 "Unable to parse date
// string") or dimensions=hostname%253Ah1 (a silently different filter). Only
// the offset= the link starts with is quoted once, so the next URL is the
// current page's URL, which this client encoded, with that offset.
func NextPageByLinkOffset(r pagination.LinkedPageBase) (string, error) {
	next, err := NextPageURL(r)
	if err != nil || next == "" {
		return "", err
	}
	link, err := url.Parse(next)
	if err != nil {
		return "", fmt.Errorf("next link %q: %w", next, err)
	}
	offsets, ok := link.Query()["offset"]
	if !ok || len(offsets) == 0 || offsets[0] == "" {
		return "", fmt.Errorf("next link %q has no offset", next)
	}
	u := r.URL // a copy: the page keeps its own URL
	q := u.Query()
	q.Set("offset", offsets[0])
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func count(r pagination.LinkedPageBase) (int, error) {
	var s struct {
		Elements []any `json:"elements"`
	}
	if err := r.ExtractInto(&s); err != nil {
		return 0, err
	}
	return len(s.Elements), nil
}
