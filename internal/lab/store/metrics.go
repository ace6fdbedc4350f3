package store

import (
	"crypto/sha1"
	"encoding/hex"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/monhook/monhook/internal/lab/model"
)

// Point is one stored measurement.
type Point struct {
	Timestamp time.Time
	Value     float64
	ValueMeta map[string]string
}

// Series is one metric (tenant, name, dimensions) and, when asked for, its
// points in time order.
type Series struct {
	ID         string
	Name       string
	Dimensions map[string]string
	Points     []Point
}

type series struct {
	Series
	tenantID string
	sorted   bool
}

// MetricFilter selects series. Dimensions maps a key to accepted values; an
// empty list accepts any value of that key (the key must be present). A zero
// Start or End leaves that side open; Start is inclusive, End exclusive.
type MetricFilter struct {
	Name       string
	Dimensions map[string][]string
	Start, End time.Time
}

// PostMetrics implements model.MetricSink: it stores the (already validated)
// measurements for tenantID and publishes one MetricsReceived.
func (s *Store) PostMetrics(tenantID string, metrics []model.Metric) error {
	batch := make([]model.Metric, len(metrics))
	s.mu.Lock()
	for i, m := range metrics {
		m.TenantID = tenantID
		m.Dimensions = maps.Clone(m.Dimensions)
		if m.Dimensions == nil {
			m.Dimensions = map[string]string{}
		}
		m.ValueMeta = maps.Clone(m.ValueMeta)
		batch[i] = m
		key := seriesKey(tenantID, m.Name, m.Dimensions)
		se, ok := s.series[key]
		if !ok {
			sum := sha1.Sum([]byte(key))
			se = &series{Series: Series{ID: hex.EncodeToString(sum[:10]), Name: m.Name, Dimensions: m.Dimensions}, tenantID: tenantID, sorted: true}
			s.series[key] = se
		}
		if n := len(se.Points); n > 0 && m.Timestamp.Before(se.Points[n-1].Timestamp) {
			se.sorted = false
		}
		se.Points = append(se.Points, Point{Timestamp: m.Timestamp.UTC(), Value: m.Value, ValueMeta: m.ValueMeta})
		if over := len(se.Points) - s.maxPoints; over > 0 {
			se.sortLocked()
			se.Points = slices.Delete(se.Points, 0, over)
		}
	}
	s.mu.Unlock()
	s.publish(model.MetricsReceived{Metrics: batch})
	return nil
}

func (se *series) sortLocked() {
	if !se.sorted {
		sort.SliceStable(se.Points, func(i, j int) bool { return se.Points[i].Timestamp.Before(se.Points[j].Timestamp) })
		se.sorted = true
	}
}

// Metrics returns the tenant's series matching f, ordered by name then
// dimensions. A time range keeps only series with points in it; withPoints
// also returns those points.
func (s *Store) Metrics(tenantID string, f MetricFilter, withPoints bool) []Series {
	s.mu.Lock() // points may be sorted lazily
	defer s.mu.Unlock()
	var out []Series
	for _, se := range s.series {
		if se.tenantID != tenantID || (f.Name != "" && se.Name != f.Name) || !dimsMatch(se.Dimensions, f.Dimensions) {
			continue
		}
		se.sortLocked()
		lo := 0
		if !f.Start.IsZero() {
			lo = sort.Search(len(se.Points), func(i int) bool { return !se.Points[i].Timestamp.Before(f.Start) })
		}
		hi := len(se.Points)
		if !f.End.IsZero() {
			hi = sort.Search(len(se.Points), func(i int) bool { return !se.Points[i].Timestamp.Before(f.End) })
		}
		timed := !f.Start.IsZero() || !f.End.IsZero()
		if timed && lo >= hi {
			continue
		}
		r := Series{ID: se.ID, Name: se.Name, Dimensions: maps.Clone(se.Dimensions)}
		if withPoints && lo < hi {
			r.Points = slices.Clone(se.Points[lo:hi])
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return canonicalDims(out[i].Dimensions) < canonicalDims(out[j].Dimensions)
	})
	return out
}

func dimsMatch(have map[string]string, want map[string][]string) bool {
	for k, vals := range want {
		v, ok := have[k]
		if !ok {
			return false
		}
		if len(vals) > 0 && !slices.Contains(vals, v) {
			return false
		}
	}
	return true
}

func seriesKey(tenantID, name string, dims map[string]string) string {
	return tenantID + "\x00" + name + "\x00" + canonicalDims(dims)
}

func canonicalDims(dims map[string]string) string {
	keys := slices.Sorted(maps.Keys(dims))
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte('\x01')
		b.WriteString(dims[k])
		b.WriteByte('\x02')
	}
	return b.String()
}
