package api

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/pyjson"
)

// tenantFor is helpers.get_x_tenant_or_tenant_id: ?tenant_id= is honoured
// only for a delegate role and silently ignored otherwise (reference §6).
func (a *API) tenantFor(q *request) string {
	if t, ok := q.falconParams().param("tenant_id"); ok && q.id.HasRole(a.delegateRoles...) {
		return t
	}
	return q.tenant
}

func (a *API) postMetrics(q *request, _ []string) {
	if !q.jsonContentType() || !q.authorize(RoleUser, RoleAgent) {
		return
	}
	body, ok := q.readBody()
	if !ok {
		return
	}
	if err := validateMetricBody(body); err != nil {
		writeError(q.w, http.StatusUnprocessableEntity, titleUnprocessable, err.Error())
		return
	}
	items, isList := body.([]any)
	if !isList {
		items = []any{body}
	}
	metrics := make([]model.Metric, 0, len(items))
	for _, it := range items {
		if m, ok := storableMetric(it.(pyjson.Object)); ok {
			metrics = append(metrics, m)
		}
	}
	if err := a.store.PostMetrics(a.tenantFor(q), metrics); err != nil {
		// What Monasca says when Kafka is down (reference §6).
		q.w.Header().Set("Retry-After", "60")
		writeError(q.w, http.StatusServiceUnavailable, "Service unavailable", err.Error())
		return
	}
	q.w.WriteHeader(http.StatusNoContent)
}

// Timestamps the lab can store: years 1 to 9999, in milliseconds.
const minStorableMillis, maxStorableMillis = -62135596800000, 253402300799999

// storableMetric turns a validated metric into the store's form. A
// timestamp that passed upstream's type-only check but names no instant
// (NaN, ±Infinity, beyond year 9999) is accepted and not stored: see the
// lab package doc.
func storableMetric(obj pyjson.Object) (model.Metric, bool) {
	get := func(k string) any { v, _ := obj.Get(k); return v }
	ts, _ := pyFloat(get("timestamp"))
	if math.IsNaN(ts) || ts < minStorableMillis || ts > maxStorableMillis {
		return model.Metric{}, false
	}
	value, _ := pyFloat(get("value"))
	whole, frac := math.Modf(ts)
	m := model.Metric{
		Name:  get("name").(string),
		Value: value,
		// Milliseconds since the epoch; no skew check in the Python API.
		Timestamp:  time.UnixMilli(int64(whole)).Add(time.Duration(math.Round(frac * float64(time.Millisecond)))).UTC(),
		Dimensions: map[string]string{},
	}
	if d, ok := get("dimensions").(pyjson.Object); ok {
		for _, kv := range d {
			m.Dimensions[kv.Key] = kv.Value.(string)
		}
	}
	if vm, ok := get("value_meta").(pyjson.Object); ok {
		m.ValueMeta = make(map[string]string, len(vm))
		for _, kv := range vm {
			s, isStr := kv.Value.(string)
			if !isStr {
				b, _ := pyjson.Marshal(kv.Value)
				s = string(b)
			}
			m.ValueMeta[kv.Key] = s
		}
	}
	return m, true
}

// parseISOTime accepts what oslo's timeutils.parse_isotime does in
// practice: RFC 3339 with or without fractions, or a naive UTC time.
func parseISOTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, wireErr("Unable to parse date string '%s'", s)
}

// metricFilter reads what GET /metrics and /metrics/measurements share,
// in their handlers' order: name (get_query_name, validate_query_name),
// dimensions (get_query_dimensions, validate_query_dimensions), start_time
// and end_time (validate_start_end_timestamps).
func metricFilter(p falconParams, required bool) (name string, dims map[string][]string, start, end time.Time, err error) {
	if name, err = p.metricName(required); err != nil {
		return
	}
	if dims, err = p.dimensions("dimensions"); err != nil {
		return
	}
	if start, err = p.startTime(required); err != nil {
		return
	}
	if end, err = p.endTime(); err != nil {
		return
	}
	err = validateStartEnd(start, end)
	return
}

// listMetrics is GET /v2.0/metrics: the series, {id, name, dimensions},
// as the influxdb repository's list_metrics builds them. The id is an
// index: SHOW SERIES ... LIMIT limit+1 OFFSET offset+1 numbers its rows
// from offset+1 (from 0 without an offset), and helpers.paginate makes
// the last id of a full page the next offset. With start_time, a series
// without a measurement in the range is dropped after the LIMIT and does
// not take a number, so such a page can come up short.
func (a *API) listMetrics(q *request, _ []string) {
	if !q.canRead() {
		return
	}
	p := q.falconParams()
	name, dims, start, end, err := metricFilter(p, false)
	if err != nil {
		q.fail(err)
		return
	}
	limit, err := q.limit()
	if err != nil {
		q.fail(err)
		return
	}
	first := 0
	if off, ok := p.param("offset"); ok {
		n, valid := pyOffset(off)
		if !valid {
			// Upstream: int(offset) raises in the repository (500).
			q.fail(unprocessable(fmt.Sprintf("Offset value %s must be an integer", off)))
			return
		}
		first = n + 1
	}
	tenant := a.tenantFor(q)
	series := a.store.Metrics(tenant, storeFilter(name, dims, time.Time{}, time.Time{}), false)
	series = series[min(first, len(series)):]
	series = series[:min(limit+1, len(series))]
	var inRange map[string]bool
	if !start.IsZero() {
		inRange = map[string]bool{}
		for _, s := range a.store.Metrics(tenant, storeFilter(name, dims, start, end), false) {
			inRange[s.ID] = true
		}
	}
	elems := make([]map[string]any, 0, len(series))
	for _, s := range series {
		if inRange != nil && !inRange[s.ID] {
			continue
		}
		elems = append(elems, map[string]any{"id": strconv.Itoa(first + len(elems)), "name": s.Name, "dimensions": s.Dimensions})
	}
	next := ""
	if len(elems) > limit {
		last := elems[len(elems)-1] // Python's resource[limit-1] for limit 0
		if limit > 0 {
			last = elems[limit-1]
		}
		next = q.nextLink(last["id"].(string))
		elems = elems[:limit]
	}
	writeJSON(q.w, http.StatusOK, page(q.selfLink(), next, elems))
}

// listMetricNames is GET /v2.0/metrics/names: the sorted names of the
// tenant's series, paged by helpers.paginate_with_no_id (whose offset is
// lower-cased) as the dimension lists are.
func (a *API) listMetricNames(q *request, _ []string) {
	if !q.canRead() {
		return
	}
	p := q.falconParams()
	dims, err := p.dimensions("dimensions")
	if err != nil {
		q.fail(err)
		return
	}
	limit, err := q.limit()
	if err != nil {
		q.fail(err)
		return
	}
	var names []string
	for _, s := range a.store.Metrics(a.tenantFor(q), storeFilter("", dims, time.Time{}, time.Time{}), false) {
		if !slices.Contains(names, s.Name) {
			names = append(names, s.Name)
		}
	}
	slices.Sort(names)
	offset, _ := p.param("offset")
	writeJSON(q.w, http.StatusOK, q.pageWithNoID("name", names, offset, limit))
}

// measurementOffset reads the offset of an ungrouped measurement page as
// the influxdb repository's measurement_list does: "<id>_<time>" or a bare
// time; the id (0 without one) numbers the element, and points strictly
// after the time follow (_build_offset_clause: digits are milliseconds,
// anything else a timestamp). Upstream answers 500 when int(id) fails or
// InfluxDB cannot read the time; the lab 422.
func measurementOffset(offset string, use bool) (int, time.Time, error) {
	if !use {
		return 0, time.Time{}, nil
	}
	ts, id := offset, int64(0)
	if idStr, rest, found := strings.Cut(offset, "_"); found {
		n, ok := pyInt64(idStr)
		if !ok {
			return 0, time.Time{}, badMeasurementOffset(offset)
		}
		ts, id = rest, n
	}
	after, set, err := historyOffset(ts)
	if err != nil || !set || id < 0 || id > math.MaxInt32 {
		return 0, time.Time{}, badMeasurementOffset(offset)
	}
	return int(id), after, nil
}

func badMeasurementOffset(offset string) error {
	return unprocessable(fmt.Sprintf("Offset value %s must be a time or milliseconds, optionally after an id and '_'", offset))
}

// measurementTime is the metrics database's timestamp format (ms, Z).
const measurementTime = "2006-01-02T15:04:05.000Z"

// listMeasurements is GET /v2.0/metrics/measurements: name and start_time
// are required; several matching series are a 409 unless merge_metrics or
// group_by is given.
func (a *API) listMeasurements(q *request, _ []string) {
	if !q.canRead() {
		return
	}
	p := q.falconParams()
	name, dims, start, end, err := metricFilter(p, true)
	if err != nil {
		q.fail(err)
		return
	}
	limit, err := q.limit()
	if err != nil {
		q.fail(err)
		return
	}
	offset, hasOffset := p.param("offset")
	merge := p.mergeMetrics()
	groupKeys := p.groupBy()
	grouped := groupKeys != nil
	tenant := a.tenantFor(q)
	series := a.store.Metrics(tenant, storeFilter(name, dims, start, end), true)
	offsetID, after, err := measurementOffset(offset, hasOffset && !grouped)
	if err != nil {
		q.fail(err)
		return
	}
	id := strconv.Itoa(offsetID)

	type element struct {
		id     string
		name   string
		dims   map[string]string
		points []pointT
	}
	var elems []element
	switch {
	case len(series) == 0 && (grouped || merge):
	case grouped:
		all := slices.Equal(groupKeys, []string{"*"})
		index := map[string]int{}
		for _, s := range series {
			gd := s.Dimensions
			if !all {
				// InfluxDB's GROUP BY: a series without the tag falls in
				// the group of its empty value, which monasca-api reports.
				gd = map[string]string{}
				for _, k := range groupKeys {
					gd[k] = s.Dimensions[k]
				}
			}
			k := fmt.Sprint(gd)
			i, ok := index[k]
			if !ok {
				i = len(elems)
				index[k] = i
				elems = append(elems, element{id: s.ID, name: s.Name, dims: gd})
			}
			elems[i].points = append(elems[i].points, s.Points...)
		}
		// InfluxDB returns the groups in the order of their tag values.
		slices.SortStableFunc(elems, func(a, b element) int { return strings.Compare(fmt.Sprint(a.dims), fmt.Sprint(b.dims)) })
	case merge:
		// One InfluxDB series of every point; its dimensions are the
		// query's dimensions dict as given ("k": "a|b", "k": "").
		e := element{id: id, name: name, dims: map[string]string{}}
		for k, v := range dims {
			e.dims[k] = strings.Join(v, "|")
		}
		for _, s := range series {
			e.points = append(e.points, s.Points...)
		}
		elems = append(elems, e)
	default:
		// _get_dimensions lists the series by name and dimensions with no
		// time range: two of them are a 409 even when only one has points
		// in the range.
		if len(a.store.Metrics(tenant, storeFilter(name, dims, time.Time{}, time.Time{}), false)) > 1 {
			writeError(q.w, http.StatusConflict, "MultipleMetrics", multipleMetricsMessage)
			return
		}
		if len(series) == 1 {
			elems = append(elems, element{id: id, name: series[0].Name, dims: series[0].Dimensions, points: series[0].Points})
		}
	}
	for i := range elems {
		slices.SortStableFunc(elems[i].points, func(a, b pointT) int { return a.Timestamp.Compare(b.Timestamp) })
	}
	if hasOffset && !grouped {
		for i := range elems {
			elems[i].points = slices.DeleteFunc(elems[i].points, func(p pointT) bool { return !p.Timestamp.After(after) })
		}
		// No point after the offset: InfluxDB returns no series.
		elems = slices.DeleteFunc(elems, func(e element) bool { return len(e.points) == 0 })
	}
	// A grouped offset "<series id>_<timestamp>" resumes after that point
	// of that group (a deliberate deviation: see the package doc).
	if hasOffset && grouped {
		if id, ts, found := strings.Cut(offset, "_"); found {
			for i, e := range elems {
				if e.id != id {
					continue
				}
				elems = elems[i:]
				elems[0].points = slices.DeleteFunc(slices.Clone(elems[0].points), func(p pointT) bool {
					return p.Timestamp.UTC().Format(measurementTime) <= ts
				})
				break
			}
		}
	}
	out := []any{}
	next := ""
	remaining := limit
	for _, e := range elems {
		pts := e.points
		truncated := false
		// Monasca adds a next link as soon as a series has >= limit rows.
		if len(pts) >= remaining {
			pts, truncated = pts[:remaining], true
		}
		rows := make([][]any, 0, len(pts))
		for _, p := range pts {
			meta := p.ValueMeta
			if meta == nil {
				meta = map[string]string{}
			}
			rows = append(rows, []any{p.Timestamp.UTC().Format(measurementTime), p.Value, meta})
		}
		out = append(out, map[string]any{"id": e.id, "name": e.name, "dimensions": e.dims,
			"columns": []string{"timestamp", "value", "value_meta"}, "measurements": rows})
		if truncated {
			if len(pts) > 0 {
				next = q.nextLink(e.id + "_" + pts[len(pts)-1].Timestamp.UTC().Format(measurementTime))
			}
			break
		}
		remaining -= len(pts)
	}
	writeJSON(q.w, http.StatusOK, page(q.selfLink(), next, out))
}
