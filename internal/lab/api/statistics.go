package api

import (
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/monhook/monhook/internal/lab/store"
)

// statisticNames are the statistics get_query_statistics accepts.
var statisticNames = []string{"avg", "min", "max", "count", "sum"}

// defaultStatisticsPeriod is the influxdb repository's period when none is
// given, in seconds.
const defaultStatisticsPeriod = 300

// statisticsTime is how the API prints a bucket: the influxdb repository
// cuts sub-seconds, and a bucket starts on a whole second anyway.
const statisticsTime = "2006-01-02T15:04:05Z"

// multipleMetricsMessage is AbstractMetricsRepository.MULTIPLE_METRICS_MESSAGE.
const multipleMetricsMessage = "Found multiple metrics matching metric name and dimensions. Please refine your search criteria using a unique metric name or additional dimensions. Alternatively, you may specify 'merge_metrics=True' as a query param to combine all metrics matching search criteria into a single series."

// statisticsQuery is a validated GET /v2.0/metrics/statistics.
type statisticsQuery struct {
	name       string
	dims       map[string][]string
	start, end time.Time
	statistics []string // lower-cased, in the order asked, repeats kept
	period     int64    // seconds, > 0
	offset     string
	merge      bool
	groupBy    []string // nil: not grouped
}

// readStatisticsQuery validates in the order MetricsStatistics.on_get
// does: name, dimensions, start and end time, statistics, period.
func (q *request) readStatisticsQuery(p falconParams) (statisticsQuery, error) {
	var (
		sq  statisticsQuery
		err error
	)
	if sq.name, sq.dims, sq.start, sq.end, err = metricFilter(p, true); err != nil {
		return sq, err
	}
	if sq.statistics, err = statisticsParam(p); err != nil {
		return sq, err
	}
	if sq.period, err = periodParam(p); err != nil {
		return sq, err
	}
	sq.offset, _ = p.param("offset")
	sq.merge = p.mergeMetrics()
	sq.groupBy = p.groupBy()
	return sq, nil
}

// statisticsParam is helpers.get_query_statistics.
func statisticsParam(p falconParams) ([]string, error) {
	v, ok := p["statistics"]
	if !ok {
		return nil, unprocessable("Missing statistics")
	}
	items := v.items
	if !v.list {
		items = strings.Split(v.items[0], ",")
	}
	out := make([]string, 0, len(items))
	for _, s := range items {
		s = strings.ToLower(s)
		if !slices.Contains(statisticNames, s) {
			return nil, unprocessable("Invalid statistic")
		}
		out = append(out, s)
	}
	return out, nil
}

// periodParam is helpers.get_query_period with Python's int(). A period of
// 0 passes upstream's check and then fails in InfluxDB (500); the lab
// rejects it with the message the check meant.
func periodParam(p falconParams) (int64, error) {
	v, ok := p["period"]
	if !ok {
		return defaultStatisticsPeriod, nil
	}
	n, ok := pyInt64(v.items[0])
	if v.list || !ok {
		return 0, unprocessable("Period must be a valid integer")
	}
	if n <= 0 {
		return 0, unprocessable("Period must be a positive integer")
	}
	return n, nil
}

// pyInt64 is pyInt within int64; larger periods and ids are refused.
func pyInt64(s string) (int64, bool) {
	n, ok := pyInt(s)
	if !ok || !n.IsInt64() {
		return 0, false
	}
	return n.Int64(), true
}

// statisticsOffset reads the offset of a statistics page as the influxdb
// repository's _build_statistics_query does: a bucket time
// (YYYY-MM-DDTHH:MM:SSZ), optionally after "<id>_", and rows start after
// that time plus one period. An id makes the element ids count on from
// id+1. Upstream answers 500 for an unreadable offset; the lab 422.
func statisticsOffset(offset string, period int64) (after time.Time, firstID int, err error) {
	if offset == "" {
		return time.Time{}, 0, nil
	}
	ts := offset
	if strings.Contains(offset, "_") {
		parts := strings.Split(offset, "_")
		id, ok := pyInt64(parts[0])
		if !ok {
			return after, 0, badStatisticsOffset(offset)
		}
		ts, firstID = parts[1], int(id)+1
	}
	t, err := time.Parse(statisticsTime, ts)
	if err != nil {
		return after, 0, badStatisticsOffset(offset)
	}
	return t.Add(time.Duration(period) * time.Second), firstID, nil
}

func badStatisticsOffset(offset string) error {
	return unprocessable(fmt.Sprintf("Offset value %s must be a time YYYY-MM-DDTHH:MM:SSZ, or an id and such a time joined by '_'", offset))
}

// statisticsGroup is one series of the InfluxDB answer: the points of the
// series grouped together and the dimensions the API reports for them.
type statisticsGroup struct {
	name   string
	dims   map[string]string
	points []store.Point
}

// listStatistics is GET /v2.0/metrics/statistics, as the influxdb
// repository computes it: buckets of `period` seconds aligned to the epoch
// (GROUP BY time(period) fill(none)), mean/min/max/sum/count of the values
// in [start_time, end_time), one element per group_by group, or one for all
// series with merge_metrics, else 409 when the name and dimensions match
// several series.
func (a *API) listStatistics(q *request, _ []string) {
	if !q.canRead() {
		return
	}
	p := q.falconParams()
	sq, err := q.readStatisticsQuery(p)
	if err != nil {
		q.fail(err)
		return
	}
	limit, err := q.limit()
	if err != nil {
		q.fail(err)
		return
	}
	after, firstID, err := statisticsOffset(sq.offset, sq.period)
	if err != nil {
		q.fail(err)
		return
	}
	groups, err := a.statisticsGroups(q, sq)
	if err != nil {
		q.fail(err)
		return
	}
	columns, fields := statisticsColumns(sq.statistics)
	type element struct {
		id, name string
		dims     map[string]string
		rows     [][]any
	}
	var elems []element
	for _, g := range groups {
		rows := bucketStatistics(g.points, sq.period, after, fields, limit+1) // InfluxDB's LIMIT limit+1
		if len(rows) == 0 {
			continue // InfluxDB returns no series without values
		}
		elems = append(elems, element{strconv.Itoa(firstID + len(elems)), g.name, g.dims, rows})
	}
	// helpers.paginate_statistics: a next link as soon as an element fills
	// the remaining limit, its offset the time of the last row kept.
	out := []any{}
	next := ""
	remaining := limit
	for _, e := range elems {
		rows := e.rows
		last := len(rows) >= remaining
		if last {
			i := remaining - 1
			if i < 0 { // Python's rows[-1] when the limit is used up
				i = len(rows) - 1
			}
			next = q.nextLink(rows[i][0].(string))
			rows = rows[:remaining]
		}
		out = append(out, map[string]any{"id": e.id, "name": e.name, "dimensions": e.dims,
			"columns": columns, "statistics": rows})
		if last {
			break
		}
		remaining -= len(rows)
	}
	writeJSON(q.w, http.StatusOK, page(q.selfLink(), next, out))
}

// statisticsGroups selects the points and splits them as the query's
// GROUP BY does.
func (a *API) statisticsGroups(q *request, sq statisticsQuery) ([]statisticsGroup, error) {
	tenant := a.tenantFor(q)
	grouped := sq.groupBy != nil
	one := statisticsGroup{name: sq.name, dims: map[string]string{}}
	if !grouped && !sq.merge {
		// _get_dimensions: list_metrics over all time, at most one series.
		all := a.store.Metrics(tenant, store.MetricFilter{Name: sq.name, Dimensions: sq.dims}, false)
		if len(all) > 1 {
			return nil, &apiError{http.StatusConflict, "MultipleMetrics", multipleMetricsMessage}
		}
		if len(all) == 1 {
			one.dims = all[0].Dimensions
		}
	} else {
		// Merged: the dimensions as asked, "a|b" and "" for a bare key.
		for k, vals := range sq.dims {
			one.dims[k] = strings.Join(vals, "|")
		}
	}
	series := a.store.Metrics(tenant, store.MetricFilter{Name: sq.name, Dimensions: sq.dims, Start: sq.start, End: sq.end}, true)
	if !grouped {
		for _, s := range series {
			one.points = append(one.points, s.Points...)
		}
		return []statisticsGroup{one}, nil
	}
	keys := sq.groupBy
	if slices.Contains(keys, "*") {
		// GROUP BY * groups by every tag key of the measurement.
		all := map[string]bool{}
		for _, s := range a.store.Metrics(tenant, store.MetricFilter{Name: sq.name}, false) {
			for k := range s.Dimensions {
				all[k] = true
			}
		}
		keys = slices.Sorted(maps.Keys(all))
	}
	index := map[string]int{}
	var groups []statisticsGroup
	for _, s := range series {
		// A series without a grouped key is in the group of its "" value.
		dims := map[string]string{}
		for _, k := range keys {
			dims[k] = s.Dimensions[k]
		}
		id := groupID(dims)
		i, ok := index[id]
		if !ok {
			i = len(groups)
			index[id] = i
			groups = append(groups, statisticsGroup{name: s.Name, dims: dims})
		}
		groups[i].points = append(groups[i].points, s.Points...)
	}
	slices.SortFunc(groups, func(a, b statisticsGroup) int { return strings.Compare(groupID(a.dims), groupID(b.dims)) })
	return groups, nil
}

// groupID orders groups as InfluxDB orders series keys: by the tag values
// in tag-key order.
func groupID(dims map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(dims)) {
		b.WriteString(k)
		b.WriteByte(1)
		b.WriteString(dims[k])
		b.WriteByte(2)
	}
	return b.String()
}

// statisticsColumns names the columns as InfluxDB answers "select
// mean(value),max(value),...": a repeated function gets _1, _2, and the
// repository renames time and mean to timestamp and avg.
func statisticsColumns(stats []string) (columns, fields []string) {
	columns = []string{"timestamp"}
	seen := map[string]int{}
	for _, s := range stats {
		col := s
		if n := seen[s]; n > 0 {
			col = fmt.Sprintf("%s_%d", s, n)
		}
		seen[s]++
		columns = append(columns, col)
	}
	return columns, stats
}

// bucketStatistics computes the rows of one group: a row per bucket that
// has points later than after (when set), oldest first, at most max rows.
func bucketStatistics(points []store.Point, period int64, after time.Time, fields []string, max int) [][]any {
	type acc struct {
		sum, min, max float64
		count         int
	}
	width := period * int64(time.Second)
	buckets := map[int64]*acc{}
	for _, p := range points {
		if !after.IsZero() && !p.Timestamp.After(after) {
			continue
		}
		ns := p.Timestamp.UnixNano()
		start := ns - ((ns%width)+width)%width
		b := buckets[start]
		if b == nil {
			b = &acc{min: p.Value, max: p.Value}
			buckets[start] = b
		}
		b.sum += p.Value
		b.count++
		b.min, b.max = math.Min(b.min, p.Value), math.Max(b.max, p.Value)
	}
	starts := slices.Sorted(maps.Keys(buckets))
	if len(starts) > max {
		starts = starts[:max]
	}
	rows := make([][]any, 0, len(starts))
	for _, st := range starts {
		b := buckets[st]
		row := []any{time.Unix(0, st).UTC().Format(statisticsTime)}
		for _, f := range fields {
			switch f {
			case "avg":
				row = append(row, b.sum/float64(b.count))
			case "min":
				row = append(row, b.min)
			case "max":
				row = append(row, b.max)
			case "sum":
				row = append(row, b.sum)
			case "count":
				row = append(row, b.count)
			}
		}
		rows = append(rows, row)
	}
	return rows
}
