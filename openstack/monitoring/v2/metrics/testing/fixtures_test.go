package testing

import (
	"fmt"
	"net/http"

	"github.com/monhook/monhook/openstack/monitoring/v2/metrics"
)

// One measurement, shaped as in reference §6.
var One = metrics.CreateOpts{
	Name:       "monhook.synthetic",
	Dimensions: map[string]string{"hostname": "h1", "monhook_run": "abc123"},
	Timestamp:  1718000000123,
	Value:      0,
	ValueMeta:  map[string]string{"run": "abc123"},
}

// OneRequest is One as JSON; value 0 must be sent, not omitted.
const OneRequest = `{"name":"monhook.synthetic","dimensions":{"hostname":"h1","monhook_run":"abc123"},
 "timestamp":1718000000123,"value":0,"value_meta":{"run":"abc123"}}`

// BatchRequest is a bare JSON array of two measurements.
const BatchRequest = `[` + OneRequest + `,{"name":"monhook.synthetic","timestamp":1718000060123,"value":97.5}]`

// ListBody is GET /v2.0/metrics: elements are {id, name, dimensions}.
const ListBody = `{"links":[{"rel":"self","href":"%[1]s/v2.0/metrics?name=cpu.idle_perc"}],
 "elements":[{"id":"0","name":"cpu.idle_perc","dimensions":{"hostname":"h1","service":"monitoring"}},
             {"id":"1","name":"cpu.idle_perc","dimensions":{"hostname":"h2","service":"monitoring"}}]}`

// ExpectedList is ListBody decoded.
var ExpectedList = []metrics.Metric{
	{ID: "0", Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "h1", "service": "monitoring"}},
	{ID: "1", Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "h2", "service": "monitoring"}},
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}
