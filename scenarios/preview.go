package scenarios

import (
	"maps"
	"slices"
	"strings"
)

// Placeholders Preview puts where a run's values go.
const (
	PreviewRunID    = "<run-id>"
	PreviewHostname = "<hostname>"
)

// Preview is the alarm expression as a run would create it, with
// <run-id> and <hostname> standing for the values only a run knows:
// what `monhook scenarios` shows instead of the template's internals
// ({{.Metric}}{{.Dimensions}}). A template that does not execute is
// shown as written.
func (s *Scenario) Preview() string {
	data := templateData{RunID: PreviewRunID, Hostname: PreviewHostname, Metric: s.Metric.Name, Dimensions: DimensionSet{}}
	for _, k := range slices.Sorted(maps.Keys(s.Metric.Dimensions)) {
		v, err := execute("metric.dimensions."+k, s.Metric.Dimensions[k], data)
		if err != nil {
			return s.Expression
		}
		data.Dimensions[k] = v
	}
	expr, err := execute("expression", s.Expression, data)
	if err != nil {
		return s.Expression
	}
	return strings.TrimSpace(expr)
}
