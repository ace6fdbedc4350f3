package evaluator

import (
	"github.com/monhook/monhook/internal/lab/expr"
	"github.com/monhook/monhook/internal/lab/model"
)

// undeterminedCoefficient is monasca-thresh's UNDETERMINED_COEFFICIENT: a
// sub-alarm goes UNDETERMINED after periodMinutes × periods × 2 empty views.
const undeterminedCoefficient = 2

// subAlarm is one sub-expression of one alarm with its window
// (SubAlarm + SubAlarmStats in monasca-thresh).
type subAlarm struct {
	expr    expr.SubExpression
	state   string
	noState bool // not evaluated since creation or an edit: send the next state even if equal
	win     *window

	// last() is only evaluated immediately and keeps just the newest value.
	hasLast bool
	last    float64
	lastTs  int64

	emptyObs, emptyThreshold int
	current                  []float64 // values behind the current state, for the reason
}

func newSubAlarm(s expr.SubExpression, t timing, now int64) *subAlarm {
	sa := &subAlarm{expr: s, noState: true, state: defaultState(s.Deterministic)}
	sa.reset(t, now)
	return sa
}

func defaultState(deterministic bool) string {
	if deterministic {
		return model.StateOK
	}
	return model.StateUndetermined
}

// reset starts a fresh window whose view ends at floor_to_minute(now +
// period), as a new SubAlarmStats does.
func (s *subAlarm) reset(t timing, now int64) {
	minutes := max(s.expr.Period/60, 1)
	s.emptyThreshold = minutes * s.expr.Periods * undeterminedCoefficient
	s.emptyObs = 0
	s.hasLast = false
	if s.onlyImmediate() {
		s.win = nil
		return
	}
	width := int64(minutes) * t.unit
	s.win = newWindow(width, s.expr.Periods, t.floor(now+width))
}

// compatible is SubAlarm.isCompatible: the collected data stays valid when
// only the operator or threshold (or determinism) changed.
func (s *subAlarm) compatible(n expr.SubExpression) bool {
	return s.expr.Function == n.Function && s.expr.Period == n.Period && s.expr.Periods == n.Periods
}

func (s *subAlarm) onlyImmediate() bool { return s.expr.Function == "LAST" }

// canAlarmImmediately: max and count never shrink, min never grows, last is
// always immediate.
func (s *subAlarm) canAlarmImmediately() bool {
	switch s.expr.Function {
	case "LAST":
		return true
	case "MIN":
		return s.expr.Operator == expr.OpLT || s.expr.Operator == expr.OpLTE
	case "MAX", "COUNT":
		return s.expr.Operator == expr.OpGT || s.expr.Operator == expr.OpGTE
	}
	return false
}

func (s *subAlarm) canOKImmediately() bool {
	switch s.expr.Function {
	case "LAST":
		return true
	case "MIN":
		return s.expr.Operator == expr.OpGT || s.expr.Operator == expr.OpGTE
	case "MAX", "COUNT":
		return s.expr.Operator == expr.OpLT || s.expr.Operator == expr.OpLTE
	}
	return false
}

// add records a measurement; false means it fell outside the window.
func (s *subAlarm) add(v float64, slotTime, ts int64) bool {
	if s.win == nil {
		// last(): thresh forces every value into one slot whose statistic
		// keeps the newest by timestamp.
		if !s.hasLast || ts >= s.lastTs {
			s.hasLast, s.last, s.lastTs = true, v, ts
		}
		return true
	}
	return s.win.add(v, slotTime, ts)
}

// evaluate is SubAlarmStats.evaluate. With immediateOnly (a measurement just
// arrived) only the fast paths run; the view is evaluated on ticks. It
// reports whether the sub-alarm's state was (re)set.
func (s *subAlarm) evaluate(now, delay int64, immediateOnly bool, buf []float64) (bool, []float64) {
	shouldEvaluate := s.win != nil && s.win.shouldEvaluate(now, delay)
	var newState string
	immediate := true
	var ok bool
	if newState, ok, buf = s.immediate(buf); !ok {
		immediate = false
		if immediateOnly || !shouldEvaluate || s.onlyImmediate() {
			return false, buf
		}
		if newState, buf = s.fromView(buf); newState == "" {
			return false, buf
		}
	}
	if s.shouldSend(newState) && (shouldEvaluate || immediate) {
		s.state, s.noState = newState, false
		return true, buf
	}
	return false, buf
}

func (s *subAlarm) shouldSend(state string) bool { return state != s.state || s.noState }

// immediate runs immediateAlarmEvaluate then immediateOkEvaluate over the
// whole window, future slots included.
func (s *subAlarm) immediate(buf []float64) (string, bool, []float64) {
	canAlarm, canOK := s.canAlarmImmediately(), s.canOKImmediately()
	if !canAlarm && !canOK {
		return "", false, buf
	}
	values := buf[:0]
	if s.win == nil {
		if s.hasLast {
			values = append(values, s.last)
		}
	} else {
		values = s.win.values(values, len(s.win.slots), s.expr.Function)
	}
	periods := s.expr.Periods
	if s.win == nil {
		periods = 1 // the spec: last ignores period and periods
	}
	if canAlarm {
		run := 0
		for i, v := range values {
			if v != v || !s.expr.Exceeds(v) { // NaN or OK breaks the run
				run = 0
				continue
			}
			run++
			if run == periods {
				s.current = append(s.current[:0], values[i-run+1:i+1]...)
				return model.StateAlarm, true, values
			}
		}
	}
	if canOK {
		for _, v := range values {
			if v == v && !s.expr.Exceeds(v) {
				s.current = append(s.current[:0], v)
				return model.StateOK, true, values
			}
		}
	}
	return "", false, values
}

// fromView is determineAlarmStateUsingView: any OK value makes OK, a full
// view of exceeding values makes ALARM, and empty views count towards the
// default state. "" means no change yet.
func (s *subAlarm) fromView(buf []float64) (string, []float64) {
	values := s.win.values(buf[:0], s.win.views, s.expr.Function)
	s.current = s.current[:0]
	exceeded, empty := false, false
	for _, v := range values {
		if v != v {
			empty = true
			continue
		}
		s.current = append(s.current, v)
		s.emptyObs = 0
		if !s.expr.Exceeds(v) {
			return model.StateOK, values
		}
		exceeded = true
	}
	if exceeded && !empty {
		return model.StateAlarm, values
	}
	s.emptyObs++
	if s.expr.Deterministic || s.emptyObs >= s.emptyThreshold {
		if st := defaultState(s.expr.Deterministic); s.shouldSend(st) {
			return st, values
		}
	}
	return "", values
}

func (s *subAlarm) slide(now, delay int64) {
	if s.win != nil {
		s.win.slideTo(now, delay)
	}
}
