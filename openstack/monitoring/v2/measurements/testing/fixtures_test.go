package testing

import (
	"fmt"
	"net/http"
	"time"

	"github.com/monhook/monhook/openstack/monitoring/v2/measurements"
)

// ListBody is GET /v2.0/metrics/measurements in the spec's shape.
const ListBody = `{"links":[{"rel":"self","href":"%[1]s/v2.0/metrics/measurements?name=cpu.idle_perc"}],
 "elements":[{"id":"2015-03-03T05:24:55Z","name":"cpu.idle_perc","dimensions":{"hostname":"h1"},
  "columns":["timestamp","value","value_meta"],
  "measurements":[["2015-03-03T05:22:28.123Z",97.5,{}],["2015-03-03T05:23:28Z",0,{"run":"abc"}],["2015-03-03T05:24:28.000Z",12,null]]}]}`

// ExpectedSeries is ListBody decoded.
var ExpectedSeries = []measurements.Series{{
	ID:         "2015-03-03T05:24:55Z",
	Name:       "cpu.idle_perc",
	Dimensions: map[string]string{"hostname": "h1"},
	Columns:    []string{"timestamp", "value", "value_meta"},
	Measurements: []measurements.Measurement{
		{Timestamp: time.Date(2015, 3, 3, 5, 22, 28, 123_000_000, time.UTC), Value: 97.5, ValueMeta: map[string]string{}},
		{Timestamp: time.Date(2015, 3, 3, 5, 23, 28, 0, time.UTC), Value: 0, ValueMeta: map[string]string{"run": "abc"}},
		{Timestamp: time.Date(2015, 3, 3, 5, 24, 28, 0, time.UTC), Value: 12},
	},
}}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

// FirstPageBody is the first page of a measurements list as the real
// monasca-api answers limit=1 on a request whose query the client escaped
// (start_time, dimensions, group_by): helpers.paginate_measurements puts the
// offset <id>_<last timestamp> in quoted once, then every other parameter of
// the still-encoded request query quoted a second time. %[1]s is the server.
const FirstPageBody = `{"links":[{"rel":"self","href":"%[1]s/v2.0/metrics/measurements?dimensions=hostname%%253Ah1&group_by=%%252A&limit=1&name=cpu.idle_perc&start_time=2015-03-03T05%%253A00%%253A00.000Z"},
 {"rel":"next","href":"%[1]s/v2.0/metrics/measurements?offset=01a2b3_2015-03-03T05%%3A22%%3A28.123Z&dimensions=hostname%%253Ah1&group_by=%%252A&limit=1&name=cpu.idle_perc&start_time=2015-03-03T05%%253A00%%253A00.000Z"}],
 "elements":[{"id":"01a2b3","name":"cpu.idle_perc","dimensions":{"hostname":"h1"},"columns":["timestamp","value","value_meta"],
  "measurements":[["2015-03-03T05:22:28.123Z",97.5,{}]]}]}`

// LastPageBody is the page after FirstPageBody's offset.
const LastPageBody = `{"links":[{"rel":"self","href":"x"}],
 "elements":[{"id":"01a2b3","name":"cpu.idle_perc","dimensions":{"hostname":"h1"},"columns":["timestamp","value","value_meta"],
  "measurements":[["2015-03-03T05:23:28Z",0,{"run":"abc"}]]}]}`
