package evaluator

import (
	"maps"
	"sort"
	"strings"

	"github.com/monhook/monhook/internal/lab/expr"
	"github.com/monhook/monhook/internal/lab/model"
)

// alarm is one alarm of a definition: a match_by group with one sub-alarm
// per sub-expression.
type alarm struct {
	id         string
	group      string
	state      string
	metrics    []model.MetricDef
	metricKeys map[string]struct{}
	subs       []*subAlarm
}

// metricKey identifies a series: name plus sorted dimensions.
func metricKey(name string, dims map[string]string) string {
	keys := make([]string, 0, len(dims))
	for k := range dims {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(name)
	for _, k := range keys {
		b.WriteByte(0)
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(dims[k])
	}
	return b.String()
}

// addMetric records a series the alarm is made of; true if it is new.
func (a *alarm) addMetric(name string, dims map[string]string) bool {
	k := metricKey(name, dims)
	if _, ok := a.metricKeys[k]; ok {
		return false
	}
	a.metricKeys[k] = struct{}{}
	a.metrics = append(a.metrics, model.MetricDef{Name: name, Dimensions: maps.Clone(dims)})
	return true
}

// evaluate is Alarm.evaluate in monasca-thresh: nothing until every
// sub-alarm has a state; then UNDETERMINED if any sub-alarm is, else the
// and/or tree over the sub-alarms' ALARM flags. It returns the new state and
// whether it differs from the current one.
func (a *alarm) evaluate(e *expr.Expression, flags []bool) (string, bool) {
	flags = flags[:0]
	undetermined := false
	for _, s := range a.subs {
		if s.noState {
			return a.state, false
		}
		undetermined = undetermined || s.state == model.StateUndetermined
		flags = append(flags, s.state == model.StateAlarm)
	}
	state := model.StateOK
	switch {
	case undetermined:
		state = model.StateUndetermined
	case e.Evaluate(flags):
		state = model.StateAlarm
	}
	return state, state != a.state
}

// reason is Alarm.buildStateChangeReason: the sub-alarms in the new state,
// joined with ", ", each with its values unless UNDETERMINED.
func (a *alarm) reason(state string) string {
	var b strings.Builder
	for _, s := range a.subs {
		if s.state != state {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s.expr.String())
		if state != model.StateUndetermined {
			b.WriteString(" with the values: ")
			b.WriteString(formatValues(s.current))
		}
	}
	switch state {
	case model.StateUndetermined:
		return "No data was present for the sub-alarms: " + b.String()
	case model.StateAlarm:
		return "Thresholds were exceeded for the sub-alarms: " + b.String()
	}
	return "The alarm threshold(s) have not been exceeded for the sub-alarms: " + b.String()
}

// formatValues prints a Java List<Double>: "[4.25, 20.0]".
func formatValues(vs []float64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(expr.FormatValue(v))
	}
	b.WriteByte(']')
	return b.String()
}

func (a *alarm) subAlarmStates() []model.SubAlarmState {
	out := make([]model.SubAlarmState, len(a.subs))
	for i, s := range a.subs {
		out[i] = model.SubAlarmState{
			Expression:    s.expr.String(),
			Function:      s.expr.Function,
			MetricName:    s.expr.MetricName,
			Dimensions:    maps.Clone(s.expr.Dimensions),
			Operator:      s.expr.Operator,
			Threshold:     s.expr.Threshold,
			Period:        s.expr.Period,
			Periods:       s.expr.Periods,
			Deterministic: s.expr.Deterministic,
			State:         s.state,
			CurrentValues: append([]float64(nil), s.current...),
		}
	}
	return out
}
