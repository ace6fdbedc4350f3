// Package query builds Monasca query strings: gophercloud's q-tags for the
// plain parameters, plus the parameters q-tags cannot express.
package query

import (
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"
)

// Dimensions encodes a dimension filter the way Monasca parses it:
// "k:v,k2:v2", keys sorted so URLs are deterministic. A key with an empty
// value is sent alone ("k"), which Monasca reads as "any value".
// gophercloud's q-tag would render a map as {'k':'v'}, which Monasca rejects.
func Dimensions(dims map[string]string) string {
	keys := make([]string, 0, len(dims))
	for k := range dims {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		if v := dims[k]; v != "" {
			parts = append(parts, k+":"+v)
		} else {
			parts = append(parts, k)
		}
	}
	return strings.Join(parts, ",")
}

// Time formats t as the ISO 8601 UTC form Monasca accepts for start_time
// and end_time.
func Time(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// Build runs gophercloud.BuildQueryString on opts and then sets each
// non-empty entry of extra. It returns "" or "?…".
func Build(opts any, extra map[string]string) (string, error) {
	u, err := gophercloud.BuildQueryString(opts)
	if err != nil {
		return "", err
	}
	q := u.Query()
	for k, v := range extra {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return "", nil
	}
	return (&url.URL{RawQuery: q.Encode()}).String(), nil
}
