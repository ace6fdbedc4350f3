package webhook

import (
	"strconv"
	"strings"
)

// ThreshReason is the stateChangeReason monasca-thresh writes for a single
// sub-alarm (Alarm.buildStateChangeReason): subExpression as
// AlarmSubExpression.getExpression prints it, values as a Java List<Double>.
func ThreshReason(state, subExpression string, values []float64) string {
	switch state {
	case "ALARM":
		return "Thresholds were exceeded for the sub-alarms: " + subExpression + " with the values: " + javaDoubles(values)
	case "OK":
		return "The alarm threshold(s) have not been exceeded for the sub-alarms: " + subExpression + " with the values: " + javaDoubles(values)
	default:
		return "No data was present for the sub-alarms: " + subExpression
	}
}

// SubExpression prints function(metric{dims}) operator threshold as
// monasca-common does: lower-case function, dimensions as a Java
// Map.toString ({k=v, k2=v2}), the threshold with at least one decimal.
func SubExpression(function, metric string, dims []Dimension, operator string, threshold float64) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(function))
	b.WriteByte('(')
	b.WriteString(metric)
	if len(dims) > 0 {
		b.WriteByte('{')
		for i, d := range dims {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(d.Key + "=" + d.Value)
		}
		b.WriteByte('}')
	}
	b.WriteString(") " + operator + " " + javaDouble(threshold))
	return b.String()
}

func javaDoubles(vs []float64) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = javaDouble(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// javaDouble is Double.toString for the everyday range: shortest digits,
// always with a fraction.
func javaDouble(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}
