package scenarios

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// ValidationError is a scenario that cannot be used. Key is the path of
// the offending key ("expect[1].state", "budgets.delivery"; empty for the
// document as a whole) so the CLI can name it and exit 2.
type ValidationError struct {
	Key string
	Msg string
}

func (e *ValidationError) Error() string {
	if e.Key == "" {
		return "scenario: " + e.Msg
	}
	return fmt.Sprintf("scenario: %s: %s", e.Key, e.Msg)
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// validationVars stand in for the run's values when a scenario is checked
// at load time, so the template and the grammar are checked before any run.
var validationVars = Vars{RunID: "abcd2345", Hostname: "compute-0.example.org"}

// Validate checks a scenario: required keys, allowed values, and that the
// expression template renders to an expression that passes
// CheckExpression and is scoped by dimensions. Load calls it.
//
// Each part is checked and every part's first problem reported together
// (errors.Join; errors.As finds the first *ValidationError). The
// expression is checked only over a valid metric, which it renders.
func (s *Scenario) Validate() error {
	metricErr := s.validateMetric()
	errs := []error{s.validateHeader(), metricErr, s.validateActions(), s.validateReceiver(),
		s.validateTrigger(), s.validateExpect(), s.validateBudgets()}
	if metricErr == nil {
		errs = append(errs, s.validateExpression())
	}
	return errors.Join(errs...)
}

func verr(key, format string, args ...any) error {
	return &ValidationError{Key: key, Msg: fmt.Sprintf(format, args...)}
}

func (s *Scenario) validateHeader() error {
	switch {
	case s.Name == "":
		return verr("name", "is required")
	case !nameRE.MatchString(s.Name):
		return verr("name", "%q must be lower-case letters, digits and '-' (at most 63)", s.Name)
	case strings.TrimSpace(s.Proves) == "":
		return verr("proves", "is required: one line saying what a pass demonstrates")
	case strings.Contains(strings.TrimSpace(s.Proves), "\n"):
		return verr("proves", "must be one line")
	}
	return nil
}

func (s *Scenario) validateMetric() error {
	m := s.Metric
	switch m.Source {
	case SourceAgent, SourceSynthetic:
	case "":
		return verr("metric.source", "is required (agent or synthetic)")
	default:
		return verr("metric.source", "%q is not agent or synthetic", m.Source)
	}
	if m.Name == "" {
		return verr("metric.name", "is required")
	}
	if bad := strings.IndexAny(m.Name, `<>={},"\;&() `); bad >= 0 {
		return verr("metric.name", "%q contains %q, which Monasca does not allow in metric names", m.Name, m.Name[bad])
	}
	for k := range m.Dimensions {
		if err := checkDimensionKey(k); err != nil {
			return verr("metric.dimensions."+k, "%s", err)
		}
	}
	if m.Source == SourceSynthetic {
		if len(m.Values) == 0 {
			return verr("metric.values", "a synthetic metric needs at least one value")
		}
		if m.Interval <= 0 {
			return verr("metric.interval", "a synthetic metric needs an interval such as 10s")
		}
		if len(m.Dimensions) == 0 {
			return verr("metric.dimensions", "a synthetic metric needs a run-scoped dimension such as monhook_run: \"{{.RunID}}\", or parallel runs would share it")
		}
	} else if len(m.Values) > 0 {
		return verr("metric.values", "only a synthetic metric has values; monhook posts nothing for an agent metric")
	}
	return nil
}

func (s *Scenario) validateActions() error {
	a := s.Actions
	if !a.Alarm && !a.OK && !a.Undetermined {
		return verr("actions", "at least one of alarm, ok or undetermined must point at the receiver")
	}
	if s.Period != 0 && s.Period != 60 {
		return verr("period", "%d is not 0 or 60 (Monasca's default valid_notification_periods)", s.Period)
	}
	return nil
}

func (s *Scenario) validateReceiver() error {
	r := s.Receiver
	switch {
	case r.FailFirst < 0:
		return verr("receiver.fail_first", "must not be negative")
	case r.FailFirst > 5:
		// Monasca gives up after 1 + 5 attempts (monasca-notification's retry engine).
		return verr("receiver.fail_first", "%d failures would exhaust Monasca's 5 retries; at most 5", r.FailFirst)
	case r.RespondStatus != 0 && (r.RespondStatus < 200 || r.RespondStatus > 599):
		return verr("receiver.respond_status", "%d is not an HTTP status between 200 and 599", r.RespondStatus)
	}
	return nil
}

func (s *Scenario) validateTrigger() error {
	t := s.Trigger
	switch t.Kind {
	case TriggerMetrics:
		if t.State != "" {
			return verr("trigger.state", "only an api-state trigger sets a state")
		}
	case TriggerAPIState:
		if !validState(t.State) {
			return verr("trigger.state", "%q is not ALARM, OK or UNDETERMINED", t.State)
		}
	case "":
		return verr("trigger.kind", "is required (metrics or api-state)")
	default:
		return verr("trigger.kind", "%q is not metrics or api-state", t.Kind)
	}
	return nil
}

func (s *Scenario) validateExpect() error {
	if len(s.Expect) == 0 {
		return verr("expect", "at least one delivery must be expected")
	}
	for i, e := range s.Expect {
		key := fmt.Sprintf("expect[%d]", i)
		switch {
		case !validState(e.State):
			return verr(key+".state", "%q is not ALARM, OK or UNDETERMINED", e.State)
		case e.OldState != "" && !validState(e.OldState):
			return verr(key+".old_state", "%q is not ALARM, OK or UNDETERMINED", e.OldState)
		case e.OldState == e.State:
			return verr(key+".old_state", "equals state; Monasca only notifies on a change of state")
		case e.Count < 0:
			return verr(key+".count", "must not be negative")
		case e.Within <= 0:
			return verr(key+".within", "is required: how long this delivery may take, such as 2m")
		}
		if !s.Actions.pointsAt(e.State) {
			return verr(key+".state", "%s deliveries need actions.%s: true", e.State, strings.ToLower(e.State))
		}
	}
	return nil
}

func (a Actions) pointsAt(state string) bool {
	switch state {
	case StateAlarm:
		return a.Alarm
	case StateOK:
		return a.OK
	case StateUndetermined:
		return a.Undetermined
	}
	return false
}

func (s *Scenario) validateBudgets() error {
	if s.Minimum < 0 {
		return verr("minimum", "must not be negative")
	}
	stages := Stages()
	for k, d := range s.Budgets {
		if !slices.Contains(stages, k) {
			return verr("budgets."+k, "unknown stage (stages: %s)", strings.Join(stages, ", "))
		}
		if d <= 0 {
			return verr("budgets."+k, "must be positive")
		}
	}
	return nil
}

func (s *Scenario) validateExpression() error {
	if strings.TrimSpace(s.Expression) == "" {
		return verr("expression", "is required")
	}
	r, err := s.Render(validationVars)
	if err != nil {
		return err
	}
	e, err := ParseExpression(r.Expression)
	if err != nil {
		return verr("expression", "%s (rendered: %s)", err, r.Expression)
	}
	for i, sub := range e.Subs {
		if len(sub.Dimensions) == 0 {
			return verr("expression", "sub-expression %d (%s) has no dimensions, so the alarm would fan out to every %s in the project; scope it, e.g. {monhook_run={{.RunID}}} or {hostname={{.Hostname}}}", i+1, sub.Metric, sub.Metric)
		}
	}
	return nil
}

func validState(s string) bool {
	return s == StateAlarm || s == StateOK || s == StateUndetermined
}

// checkDimensionKey applies Monasca's metric dimension key rules (§6).
func checkDimensionKey(k string) error {
	switch {
	case k == "" || len(k) > 255:
		return fmt.Errorf("dimension names are 1-255 characters")
	case strings.HasPrefix(k, "_"):
		return fmt.Errorf("dimension names must not start with '_'")
	case strings.ContainsAny(k, `<>={},"\;&`):
		return fmt.Errorf("dimension name %q contains a character Monasca refuses", k)
	}
	return nil
}

// checkDimensionValue applies Monasca's metric dimension value rules (§6).
func checkDimensionValue(v string) error {
	switch {
	case v == "":
		return fmt.Errorf("is empty; Monasca refuses empty dimension values")
	case len(v) > 255:
		return fmt.Errorf("is longer than 255 characters")
	case strings.ContainsAny(v, `<>={},"\;&`):
		return fmt.Errorf("%q contains a character Monasca refuses", v)
	}
	return nil
}
