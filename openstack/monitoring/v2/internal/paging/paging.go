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

// NextPageURL returns the href of the "next" link, or "" on the last page.
// Alarm definitions, alarms, metrics and measurements build a correct link
// (offset+limit or an opaque string offset), so it is followed literally.
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

func count(r pagination.LinkedPageBase) (int, error) {
	var s struct {
		Elements []any `json:"elements"`
	}
	if err := r.ExtractInto(&s); err != nil {
		return 0, err
	}
	return len(s.Elements), nil
}
