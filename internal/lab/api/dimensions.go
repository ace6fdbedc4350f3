package api

import (
	"maps"
	"slices"
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
	var d dimensionQuery
	p, limit, ok := q.startRead(func(p falconParams) (err error) {
		d, err = q.readDimensionQuery(p)
		return err
	})
	if !ok {
		return
	}
	names := map[string]bool{}
	for _, s := range a.dimensionSeries(q, d) {
		for k := range s.Dimensions {
			names[k] = true
		}
	}
	q.writePageWithNoID(p, "dimension_name", slices.Sorted(maps.Keys(names)), limit)
}

// listDimensionValues is GET /v2.0/metrics/dimensions/names/values: the
// sorted values of dimension_name (required). Without metric_name the
// influxdb repository lists a value once per metric name that has it, so a
// value shared by two metrics appears twice; the lab does the same.
func (a *API) listDimensionValues(q *request, _ []string) {
	var (
		key string
		d   dimensionQuery
	)
	p, limit, ok := q.startRead(func(p falconParams) (err error) {
		if key, err = p.requiredParam("dimension_name"); err != nil {
			return err
		}
		d, err = q.readDimensionQuery(p)
		return err
	})
	if !ok {
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
	q.writePageWithNoID(p, "dimension_value", values, limit)
}
