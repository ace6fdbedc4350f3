package api

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/pyjson"
)

// tenantFor is helpers.get_x_tenant_or_tenant_id: ?tenant_id= is honoured
// only for a delegate role and silently ignored otherwise (reference §6).
func (a *API) tenantFor(q *request) string {
	if t, ok := q.query("tenant_id"); ok && q.id.HasRole(a.delegateRoles...) {
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

// timeRange reads start_time (required when asked) and end_time.
func (q *request) timeRange(startRequired bool) (time.Time, time.Time, error) {
	var start, end time.Time
	s, ok := q.query("start_time")
	switch {
	case ok:
		t, err := parseISOTime(s)
		if err != nil {
			return start, end, unprocessable(err.Error())
		}
		start = t
	case startRequired:
		return start, end, unprocessable("Missing start time")
	}
	if s, ok := q.query("end_time"); ok {
		t, err := parseISOTime(s)
		if err != nil {
			return start, end, unprocessable(err.Error())
		}
		end = t
	}
	if !start.IsZero() && !end.IsZero() && !start.Before(end) {
		return start, end, &apiError{http.StatusBadRequest, titleBadRequestLower, "start_time must be before end_time"}
	}
	return start, end, nil
}

func (q *request) metricQuery(nameRequired bool) (string, map[string][]string, error) {
	name, ok := q.query("name")
	if !ok && nameRequired {
		return "", nil, unprocessable("Missing name")
	}
	if name != "" {
		if err := validateMetricName(name); err != nil {
			return "", nil, unprocessable(err.Error())
		}
	}
	dims, err := q.queryDimensions("dimensions")
	return name, dims, err
}

// listMetrics is GET /v2.0/metrics: the series, {id, name, dimensions}.
func (a *API) listMetrics(q *request, _ []string) {
	if !q.canRead() {
		return
	}
	name, dims, err := q.metricQuery(false)
	if err != nil {
		q.fail(err)
		return
	}
	start, end, err := q.timeRange(false)
	if err != nil {
		q.fail(err)
		return
	}
	limit, err := q.limit()
	if err != nil {
		q.fail(err)
		return
	}
	series := a.store.Metrics(a.tenantFor(q), storeFilter(name, dims, start, end), false)
	if off, ok := q.query("offset"); ok {
		if i := slices.IndexFunc(series, func(s seriesT) bool { return s.ID == off }); i >= 0 {
			series = series[i+1:]
		}
	}
	rows, more := window(series, 0, limit)
	elems := make([]any, 0, len(rows))
	for _, s := range rows {
		elems = append(elems, map[string]any{"id": s.ID, "name": s.Name, "dimensions": s.Dimensions})
	}
	next := ""
	if more && len(rows) > 0 {
		next = q.nextLink(rows[len(rows)-1].ID)
	}
	writeJSON(q.w, http.StatusOK, page(q.selfLink(), next, elems))
}

// listMetricNames is GET /v2.0/metrics/names (paginate_with_no_id).
func (a *API) listMetricNames(q *request, _ []string) {
	if !q.canRead() {
		return
	}
	dims, err := q.queryDimensions("dimensions")
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
	if off, ok := q.query("offset"); ok {
		i, _ := slices.BinarySearch(names, off)
		if i < len(names) && names[i] == off {
			i++
		}
		names = names[i:]
	}
	rows, more := window(names, 0, limit)
	elems := make([]any, 0, len(rows))
	for _, n := range rows {
		elems = append(elems, map[string]string{"name": n})
	}
	next := ""
	if more && len(rows) > 0 {
		next = q.nextLinkUnquoted(rows[len(rows)-1])
	}
	writeJSON(q.w, http.StatusOK, page(q.selfLink(), next, elems))
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
	name, dims, err := q.metricQuery(true)
	if err != nil {
		q.fail(err)
		return
	}
	start, end, err := q.timeRange(true)
	if err != nil {
		q.fail(err)
		return
	}
	limit, err := q.limit()
	if err != nil {
		q.fail(err)
		return
	}
	merge := false
	if s, ok := q.query("merge_metrics"); ok {
		merge = strings.EqualFold(s, "true")
	}
	groupBy, grouped := q.query("group_by")
	series := a.store.Metrics(a.tenantFor(q), storeFilter(name, dims, start, end), true)

	type element struct {
		id     string
		name   string
		dims   map[string]string
		points []pointT
	}
	var elems []element
	switch {
	case len(series) == 0:
	case grouped:
		keys := strings.Split(groupBy, ",")
		index := map[string]int{}
		for _, s := range series {
			gd := s.Dimensions
			if groupBy != "*" {
				// InfluxDB's GROUP BY: a series without the tag falls in
				// the group of its empty value, which monasca-api reports.
				gd = map[string]string{}
				for _, k := range keys {
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
	case len(series) > 1 && !merge:
		writeError(q.w, http.StatusConflict, "MultipleMetrics",
			"Found multiple metrics matching metric name and dimensions. Please refine your search criteria using a unique metric name or additional dimensions. Alternatively, you may specify 'merge_metrics=True' as a query param to combine all metrics matching search criteria into a single series.")
		return
	case merge && len(series) > 1:
		e := element{id: series[0].ID, name: name, dims: map[string]string{}}
		for k, v := range dims {
			if len(v) == 1 {
				e.dims[k] = v[0]
			}
		}
		for _, s := range series {
			e.points = append(e.points, s.Points...)
		}
		elems = append(elems, e)
	default:
		elems = append(elems, element{id: series[0].ID, name: series[0].Name, dims: series[0].Dimensions, points: series[0].Points})
	}
	for i := range elems {
		slices.SortStableFunc(elems[i].points, func(a, b pointT) int { return a.Timestamp.Compare(b.Timestamp) })
	}
	// offset "<id>_<timestamp>" resumes after that point (paginate_measurements).
	if off, ok := q.query("offset"); ok {
		if id, ts, found := strings.Cut(off, "_"); found {
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
