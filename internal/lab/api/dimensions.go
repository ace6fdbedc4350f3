package api

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/monhook/monhook/internal/lab/store"
)

// dimensionQuery is what both dimension endpoints read besides paging.
type dimensionQuery struct {
	metricName string
	start, end time.Time
}

// readDimensionQuery reads metric_name (not validated upstream) and the
// optional start_time and end_time. As in the influxdb repository's where
// clause, end_time counts only together with start_time, and there is no
// start-before-end check on these endpoints.
func (q *request) readDimensionQuery(p falconParams) (dimensionQuery, error) {
	var d dimensionQuery
	d.metricName, _ = p.param("metric_name")
	var err error
	if d.start, err = p.startTime(false); err != nil {
		return d, err
	}
	if d.end, err = p.endTime(); err != nil {
		return d, err
	}
	if d.start.IsZero() {
		d.end = time.Time{}
	}
	return d, nil
}

// series returns the tenant's series of the query with a point in its time
// range. The range is exact; InfluxDB's tag queries only honour it per
// shard (a day or more), which the lab does not model.
func (a *API) dimensionSeries(q *request, d dimensionQuery) []store.Series {
	return a.store.Metrics(a.tenantFor(q), store.MetricFilter{Name: d.metricName, Start: d.start, End: d.end}, false)
}

// listDimensionNames is GET /v2.0/metrics/dimensions/names: the sorted
// dimension keys of the tenant's series, {"dimension_name": k}.
func (a *API) listDimensionNames(q *request, _ []string) {
	if !q.canRead() {
		return
	}
	p := q.falconParams()
	d, err := q.readDimensionQuery(p)
	if err != nil {
		q.fail(err)
		return
	}
	limit, err := q.limit()
	if err != nil {
		q.fail(err)
		return
	}
	names := map[string]bool{}
	for _, s := range a.dimensionSeries(q, d) {
		for k := range s.Dimensions {
			names[k] = true
		}
	}
	offset, _ := p.param("offset")
	writeJSON(q.w, http.StatusOK, q.pageWithNoID("dimension_name", slices.Sorted(maps.Keys(names)), offset, limit))
}

// listDimensionValues is GET /v2.0/metrics/dimensions/names/values: the
// sorted values of dimension_name (required). Without metric_name the
// influxdb repository lists a value once per metric name that has it, so a
// value shared by two metrics appears twice; the lab does the same.
func (a *API) listDimensionValues(q *request, _ []string) {
	if !q.canRead() {
		return
	}
	p := q.falconParams()
	key, err := p.requiredParam("dimension_name")
	if err != nil {
		q.fail(err)
		return
	}
	d, err := q.readDimensionQuery(p)
	if err != nil {
		q.fail(err)
		return
	}
	limit, err := q.limit()
	if err != nil {
		q.fail(err)
		return
	}
	pairs := map[[2]string]bool{} // metric name, value
	for _, s := range a.dimensionSeries(q, d) {
		if v, ok := s.Dimensions[key]; ok {
			pairs[[2]string{s.Name, v}] = true
		}
	}
	values := make([]string, 0, len(pairs))
	for pv := range pairs {
		values = append(values, pv[1])
	}
	slices.Sort(values)
	offset, _ := p.param("offset")
	writeJSON(q.w, http.StatusOK, q.pageWithNoID("dimension_value", values, offset, limit))
}

// pageWithNoID is helpers.paginate_with_no_id over sorted values, each the
// single field key of its element. The offset is lower-cased before it is
// compared; the page starts after an equal value, else at the first greater
// one.
func (q *request) pageWithNoID(key string, values []string, offset string, limit int) map[string]any {
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
	return page(q.selfLink(), next, elems)
}
