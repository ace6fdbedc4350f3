package api

import (
	"cmp"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// pageLimit is PAGE_LIMIT: the default and maximum limit.
const pageLimit = 10000

// baseURI is falcon's req.uri without the query: scheme, host, the mount
// prefix and the (trailing-slash-stripped) path.
func (q *request) baseURI() string {
	scheme := "http"
	if q.r.TLS != nil {
		scheme = "https"
	}
	full := q.r.URL.Path
	if u, err := url.ParseRequestURI(q.r.RequestURI); err == nil {
		full = u.Path
	}
	prefix := strings.TrimSuffix(full, q.r.URL.Path)
	p := q.path
	if p == "/" {
		p = ""
	}
	return scheme + "://" + q.r.Host + prefix + p
}

// pyQuote is Python's urllib.parse.quote(s, safe=”).
func pyQuote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_.-~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// oldQueryParams is helpers._get_old_query_params: the raw query pieces in
// order, each name and value passed through quote(safe=”) again. Because
// falcon's query string is still percent-encoded, an encoded value comes
// back double-encoded (a quirk of the real API, reproduced).
//
// Deliberate deviations: a query piece without "=" makes upstream's
// split('=', 1) raise (500); the lab keeps it with an empty value. Grouped
// measurement pages name their groups by series id and resume after the
// offset's group and point, where monasca-api's InfluxDB repository numbers
// groups from the offset's index and resumes every group after the
// offset's time.
func (q *request) oldQueryParams(exceptOffset bool) []string {
	var out []string
	if q.r.URL.RawQuery == "" {
		return nil
	}
	for _, piece := range strings.Split(q.r.URL.RawQuery, "&") {
		name, val, _ := strings.Cut(piece, "=")
		if exceptOffset && strings.EqualFold(name, "offset") {
			continue
		}
		out = append(out, pyQuote(name)+"="+pyQuote(val))
	}
	return out
}

func (q *request) selfLink() string {
	if q.java() {
		return q.javaSelfLink()
	}
	link := q.baseURI()
	if old := q.oldQueryParams(false); len(old) > 0 {
		link += "?" + strings.Join(old, "&")
	}
	return link
}

// nextLink is the next link of helpers.paginate, paginate_alarming,
// paginate_measurements and paginate_statistics: offset=quote(offset), then
// the other parameters of the request, encoded a second time. A client that
// follows it literally with an escaped parameter (start_time=…%3A… becomes
// …%253A…) gets 422 "Unable to parse date string"; the lab answers the same.
func (q *request) nextLink(offset string) string {
	if q.java() {
		return q.javaNextLink(offset)
	}
	return q.nextLinkWith("offset=" + pyQuote(offset))
}

// nextLinkUnquoted is paginate_with_no_id's next link (metric names,
// dimension names and values), which puts the offset in unquoted.
func (q *request) nextLinkUnquoted(offset string) string {
	if q.java() {
		return q.javaNextLink(offset)
	}
	return q.nextLinkWith("offset=" + offset)
}

func (q *request) nextLinkWith(offsetParam string) string {
	params := append([]string{offsetParam}, q.oldQueryParams(true)...)
	return q.baseURI() + "?" + strings.Join(params, "&")
}

// page builds {"links","elements"}; next is "" when there is no next page.
func page(self, next string, elements any) map[string]any {
	links := []map[string]string{{"rel": "self", "href": self}}
	if next != "" {
		links = append(links, map[string]string{"rel": "next", "href": next})
	}
	return map[string]any{"links": links, "elements": elements}
}

// limit is request.limit: digits only, capped at PAGE_LIMIT. It reads
// falcon's req.get_param, which (unlike parse_query_string) keeps a blank
// value, so "limit=" is 422 where "offset=" is no offset.
func (q *request) limit() (int, error) {
	vals, ok := q.r.URL.Query()["limit"]
	if !ok {
		return pageLimit, nil
	}
	s := vals[0]
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, &apiError{http.StatusUnprocessableEntity, "Invalid limit", "Limit parameter must be a positive integer"}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > pageLimit {
		n = pageLimit
	}
	return n, nil
}

// intOffset is an integer offset (notification methods, alarm
// definitions, alarms and their count, metrics): helpers.get_query_param,
// then Python's int(), so "", blanks and "offset=" alike are not given.
// invalid words the 422 for a value int() refuses, with %s for the value,
// as each endpoint words it.
func (p falconParams) intOffset(invalid string) (n int, given bool, err error) {
	s, ok := p.param("offset")
	if !ok {
		return 0, false, nil
	}
	if n, ok = pyOffset(s); !ok {
		return 0, true, unprocessable(fmt.Sprintf(invalid, s))
	}
	return n, true, nil
}

// pyOffset is int(s) as an SQL offset: a negative offset counts as 0 and
// one past any table size as the end.
func pyOffset(s string) (int, bool) {
	n, ok := pyInt(s)
	switch {
	case !ok:
		return 0, false
	case n.Sign() < 0:
		return 0, true
	case !n.IsInt64() || n.Int64() > math.MaxInt32:
		return math.MaxInt32, true
	}
	return int(n.Int64()), true
}

// window applies offset and limit to a sorted slice and says whether more
// rows exist (the server fetches limit+1 rows).
func window[T any](all []T, offset, limit int) ([]T, bool) {
	if offset >= len(all) {
		return []T{}, false
	}
	rest := all[offset:]
	if len(rest) > limit {
		return rest[:limit], true
	}
	return rest, false
}

// listParams are the sort_by, offset and limit of a list request.
type listParams struct {
	keys          []sortKey
	offset, limit int
}

// listParams validates sort_by (against allowed), offset and limit, in the
// order the real handlers check them.
func (q *request) listParams(allowed []string) (listParams, error) {
	var (
		p   listParams
		err error
	)
	if allowed != nil { // nil: the endpoint reads no sort_by
		if p.keys, err = q.sortBy(allowed); err != nil {
			return p, err
		}
	}
	if p.offset, _, err = q.falconParams().intOffset("Offset value %s must be an integer"); err != nil {
		return p, err
	}
	p.limit, err = q.limit()
	return p, err
}

// sortKey is one parsed sort_by entry.
type sortKey struct {
	field string
	desc  bool
}

// sortBy is validation.validate_sort_by over the comma-separated list.
func (q *request) sortBy(allowed []string) ([]sortKey, error) {
	s, ok := q.falconParams().param("sort_by")
	if !ok {
		return nil, nil
	}
	var keys []sortKey
	for _, item := range strings.Split(s, ",") {
		f := strings.Fields(item)
		if len(f) == 0 || len(f) > 2 {
			return nil, unprocessable(fmt.Sprintf("Invalid sort_by %s", item))
		}
		if !slices.Contains(allowed, f[0]) {
			return nil, unprocessable(fmt.Sprintf("sort_by field %s must be one of [%s]", f[0], strings.Join(allowed, ",")))
		}
		k := sortKey{field: f[0]}
		if len(f) == 2 {
			switch f[1] {
			case "asc":
			case "desc":
				k.desc = true
			default:
				return nil, unprocessable(fmt.Sprintf("sort_by value %s must be 'asc' or 'desc'", f[1]))
			}
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// sortItems orders items by keys, then by id (always the last key).
func sortItems[T any](items []T, keys []sortKey, field func(T, string) string, id func(T) string) {
	slices.SortStableFunc(items, func(a, b T) int {
		for _, k := range keys {
			c := cmp.Compare(field(a, k.field), field(b, k.field))
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return cmp.Compare(id(a), id(b))
	})
}

func links(href string) []map[string]string {
	return []map[string]string{{"rel": "self", "href": href}}
}

// writePageWithNoID answers with helpers.paginate_with_no_id over sorted
// values, each the single field key of its element: the name and dimension
// lists. The offset is lower-cased before it is compared; the page starts
// after an equal value, else at the first greater one.
func (q *request) writePageWithNoID(p falconParams, key string, values []string, limit int) {
	offset, _ := p.param("offset")
	if offset != "" {
		offset = strings.ToLower(offset)
		i, found := slices.BinarySearch(values, offset)
		if found {
			i++
		}
		values = values[i:]
	}
	rows, _ := window(values, 0, limit)
	elems := make([]any, 0, len(rows))
	for _, v := range rows {
		elems = append(elems, map[string]string{key: v})
	}
	next := ""
	if len(values) > limit && limit > 0 {
		next = q.nextLinkUnquoted(rows[limit-1])
	}
	writeJSON(q.w, http.StatusOK, page(q.selfLink(), next, elems))
}
