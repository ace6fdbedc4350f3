package api

import (
	"net/url"
	"strings"
)

// falconValue is one parameter as falcon's parse_query_string returns it:
// a string, or a list when the name repeats or the raw value has a comma.
type falconValue struct {
	items []string
	list  bool
}

// falconParams is falcon.uri.parse_query_string(query_string) with its
// defaults (keep_blank=False, csv=True), through which monasca-api's
// helpers read their parameters: a blank value is dropped (so "offset=" is
// no offset), an unencoded comma splits a value into a list (an encoded
// %2C does not), and a repeated name collects a list.
type falconParams map[string]falconValue

func (q *request) falconParams() falconParams {
	p := falconParams{}
	for _, field := range strings.Split(q.r.URL.RawQuery, "&") {
		k, v, _ := strings.Cut(field, "=")
		if v == "" {
			continue
		}
		k = falconDecode(k)
		var items []string
		split := strings.Contains(v, ",")
		if split {
			for _, e := range strings.Split(v, ",") {
				if e != "" {
					items = append(items, falconDecode(e))
				}
			}
		} else {
			items = []string{falconDecode(v)}
		}
		old, seen := p[k]
		if seen {
			p[k] = falconValue{items: append(old.items, items...), list: true}
		} else {
			p[k] = falconValue{items: items, list: split}
		}
	}
	return p
}

// falconDecode percent-decodes with "+" as a space; falcon leaves a
// malformed escape as it is.
func falconDecode(s string) string {
	if d, err := url.QueryUnescape(s); err == nil {
		return d
	}
	return s
}

// param is helpers.get_query_param: the value, or a list's first element.
func (p falconParams) param(name string) (string, bool) {
	v, ok := p[name]
	if !ok {
		return "", false
	}
	if len(v.items) == 0 {
		return "", true
	}
	return v.items[0], true
}
