package api

import (
	"time"

	"github.com/monhook/monhook/internal/lab/store"
)

type pointT = store.Point

func storeFilter(name string, dims map[string][]string, start, end time.Time) store.MetricFilter {
	return store.MetricFilter{Name: name, Dimensions: dims, Start: start, End: end}
}
