package measurements

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/monhook/monhook/openstack/monitoring/v2/internal/paging"
)

// Series is the measurements of one metric (or one group).
type Series struct {
	// ID is the store's series id.
	ID string `json:"id"`
	// Name is the metric name.
	Name string `json:"name"`
	// Dimensions identify the series.
	Dimensions map[string]string `json:"dimensions"`
	// Columns names the row fields, normally timestamp, value, value_meta.
	Columns []string `json:"columns"`
	// Measurements are the rows, decoded by column name.
	Measurements []Measurement `json:"measurements"`
}

// Measurement is one row of a series.
type Measurement struct {
	// Timestamp is when the value was measured.
	Timestamp time.Time
	// Value is the measured value.
	Value float64
	// ValueMeta is the metadata posted with the value, if any.
	ValueMeta map[string]string
}

// UnmarshalJSON decodes rows by the series' column names, so a store that
// orders or omits columns differently still decodes correctly.
func (s *Series) UnmarshalJSON(b []byte) error {
	var raw struct {
		ID           string              `json:"id"`
		Name         string              `json:"name"`
		Dimensions   map[string]string   `json:"dimensions"`
		Columns      []string            `json:"columns"`
		Measurements [][]json.RawMessage `json:"measurements"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	cols := raw.Columns
	if len(cols) == 0 {
		cols = []string{"timestamp", "value", "value_meta"}
	}
	*s = Series{ID: raw.ID, Name: raw.Name, Dimensions: raw.Dimensions, Columns: raw.Columns,
		Measurements: make([]Measurement, 0, len(raw.Measurements))}
	for i, row := range raw.Measurements {
		var m Measurement
		for j, cell := range row {
			if j >= len(cols) || string(cell) == "null" {
				continue
			}
			var err error
			switch cols[j] {
			case "timestamp":
				err = json.Unmarshal(cell, &m.Timestamp)
			case "value":
				err = json.Unmarshal(cell, &m.Value)
			case "value_meta":
				err = json.Unmarshal(cell, &m.ValueMeta)
			}
			if err != nil {
				return fmt.Errorf("measurement %d of %s, column %s: %w", i, raw.Name, cols[j], err)
			}
		}
		s.Measurements = append(s.Measurements, m)
	}
	return nil
}

// SeriesPage is one page of measurement series.
type SeriesPage struct {
	pagination.LinkedPageBase
}

// IsEmpty reports whether the page has no series.
func (r SeriesPage) IsEmpty() (bool, error) { return paging.IsEmpty(r.LinkedPageBase) }

// NextPageURL rebuilds the "next" link from its opaque offset; see
// paging.NextPageByLinkOffset.
func (r SeriesPage) NextPageURL() (string, error) {
	return paging.NextPageByLinkOffset(r.LinkedPageBase)
}

// ResourceKey names the key that holds the page's items.
func (r SeriesPage) ResourceKey() string { return paging.ResourceKey }

// ExtractSeries returns the series on a page.
func ExtractSeries(r pagination.Page) ([]Series, error) {
	var s []Series
	err := (r.(SeriesPage)).ExtractIntoSlicePtr(&s, paging.ResourceKey)
	return s, err
}
