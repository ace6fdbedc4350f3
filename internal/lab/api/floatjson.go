package api

import (
	"math"

	"github.com/monhook/monhook/pyjson"
)

// floatJSON is a number that is a Python float in monasca-api's answer,
// written as json.dumps writes one: 1.0, not 1. That is so for what the
// API decodes from a JSON text it stored (a state-history sub-alarm's
// threshold and current values, serialized by monasca-thresh's Jackson).
// Measurements and statistics are not: InfluxDB's HTTP API is Go, whose
// encoder writes a whole float as 1, and influxdb-python reads that as an
// int, so plain float64 is right there.
type floatJSON float64

func (f floatJSON) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		// json.dumps would write NaN or Infinity, which no JSON parser
		// reads; validation keeps them out of the store, only a sum can
		// overflow.
		return []byte("null"), nil
	}
	return pyjson.Marshal(float64(f))
}

func floatsJSON(xs []float64) []floatJSON {
	out := make([]floatJSON, len(xs))
	for i, x := range xs {
		out[i] = floatJSON(x)
	}
	return out
}
