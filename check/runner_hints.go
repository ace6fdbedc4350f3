package check

import (
	"fmt"
	"strings"
	"time"

	"github.com/monhook/monhook/scenarios"
)

// timeoutHints come first when the overall --timeout ended the run: a
// timeout the operator set below the scenario's documented minimum is the
// cause, whatever else the stages saw.
func (x *run) timeoutHints() []string {
	min := x.sc.Minimum.Duration()
	if x.UserTimeout <= 0 || min <= 0 || x.UserTimeout >= min {
		return nil
	}
	return []string{fmt.Sprintf("--timeout %s is shorter than scenario %s's documented minimum of %s at this target's speed "+
		"(see monhook scenarios): Monasca's own timings need about that long; raise --timeout", x.UserTimeout, x.sc.Name, roundDuration(min))}
}

// immediate reports whether Monasca evaluates the sub-expression the
// moment a measurement arrives (reference §8, "Immediate evaluation").
func immediate(s scenarios.SubExpression) bool {
	switch s.Function {
	case "last":
		return true
	case "max", "count":
		return s.Operator == ">" || s.Operator == ">="
	case "min":
		return s.Operator == "<" || s.Operator == "<="
	}
	return false
}

// evaluationHint says how long the threshold engine takes to move the
// alarm for this run's expression: seconds for an immediately evaluated
// function, one to a few periods for the others.
func (x *run) evaluationHint() string {
	e, err := scenarios.ParseExpression(x.rendered.Expression)
	if err != nil || len(e.Subs) == 0 {
		return "the threshold engine has not moved it yet; raise " + x.timeoutName()
	}
	var slow []string
	worst := time.Duration(0)
	for _, s := range e.Subs {
		if immediate(s) {
			continue
		}
		slow = append(slow, fmt.Sprintf("%s(...) %s", s.Function, s.Operator))
		worst = max(worst, time.Duration(s.Period*s.Periods)*time.Second)
	}
	if len(slow) == 0 {
		return fmt.Sprintf("the threshold engine has not moved it yet: %s is evaluated as each measurement arrives, "+
			"so the alarm should move within seconds of one that crosses the threshold; check that measurements "+
			"reach monasca-thresh (Kafka's metrics topic)", subText(e))
	}
	return fmt.Sprintf("the threshold engine has not moved it yet: %s is evaluated once its %s window has ended, "+
		"plus a 30 s grace and up to a 60 s tick (about 1–2.5 min for period 60, reference §8); raise %s",
		strings.Join(slow, ", "), worst, x.timeoutName())
}

// skewWindow is how far a measurement's timestamp may stray from the
// threshold engine's clock before it is dropped, for this run's
// expression: back to periods×period before the view's end, forward to 2
// periods after it (reference §8, "Dropped measurements").
func (x *run) skewWindow() (behind, ahead time.Duration, text string) {
	e, err := scenarios.ParseExpression(x.rendered.Expression)
	if err != nil || len(e.Subs) == 0 {
		return agentLagTolerance, clockSkewTolerance, "monasca-thresh silently drops measurements outside its window"
	}
	behind, ahead = time.Duration(1<<62), time.Duration(1<<62)
	for _, s := range e.Subs {
		p := time.Duration(s.Period) * time.Second
		behind = min(behind, time.Duration(s.Periods)*p)
		ahead = min(ahead, 2*p)
	}
	return behind, ahead, fmt.Sprintf("for %s monasca-thresh silently drops measurements stamped more than %s "+
		"before the view's end or %s or more after it", subText(e), behind, ahead)
}

func subText(e *scenarios.Expression) string {
	parts := make([]string, len(e.Subs))
	for i, s := range e.Subs {
		parts[i] = fmt.Sprintf("%s(%s, %d) %s %g", s.Function, s.Metric, s.Period, s.Operator, s.Threshold)
		if s.Periods > 1 {
			parts[i] += fmt.Sprintf(" times %d", s.Periods)
		}
	}
	return strings.Join(parts, " and ")
}
