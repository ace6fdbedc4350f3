package scenarios

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/template"
)

// Vars are the per-run values a scenario's templates may use.
type Vars struct {
	// RunID is the run's id (NewRunID).
	RunID string
	// Hostname is the host an agent scenario is scoped to (--hostname, or
	// one picked from recent measurements). Empty for synthetic scenarios.
	Hostname string
}

// Rendered is a scenario made concrete for one run.
type Rendered struct {
	// Expression is the alarm expression; it passed CheckExpression.
	Expression string
	// MetricName is the metric to post (synthetic) or look for (agent).
	MetricName string
	// Dimensions are the metric dimensions, templates rendered.
	Dimensions map[string]string
	// MatchBy is the definition's match_by (never nil, as Monasca returns).
	MatchBy []string
	// Parsed is the parsed expression (e.g. Parsed.Deterministic() tells
	// whether the alarm starts OK rather than UNDETERMINED).
	Parsed *Expression
}

// DimensionSet prints as an expression's dimension block, {k=v,k2=v2}
// with sorted keys, so a template can write {{.Metric}}{{.Dimensions}}.
type DimensionSet map[string]string

func (d DimensionSet) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range slices.Sorted(maps.Keys(d)) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k + "=" + d[k])
	}
	b.WriteByte('}')
	return b.String()
}

// templateData is what the expression template sees.
type templateData struct {
	RunID      string
	Hostname   string
	Metric     string
	Dimensions DimensionSet
}

// ErrNeedsHostname is returned by Render when the scenario's templates use
// {{.Hostname}} and Vars.Hostname is empty.
var ErrNeedsHostname = errors.New("scenario is scoped to one host: give --hostname or let preflight pick one from recent measurements")

// Render fills the scenario's templates with vars and checks the result:
// dimension values as Monasca's metric API would, the expression against
// the grammar. Template errors are *ValidationError naming the key.
func (s *Scenario) Render(vars Vars) (Rendered, error) {
	if vars.RunID == "" {
		return Rendered{}, errors.New("render: empty run id")
	}
	if vars.Hostname == "" && s.usesHostname() {
		return Rendered{}, ErrNeedsHostname
	}
	data := templateData{RunID: vars.RunID, Hostname: vars.Hostname, Metric: s.Metric.Name, Dimensions: DimensionSet{}}
	for _, k := range slices.Sorted(maps.Keys(s.Metric.Dimensions)) {
		key := "metric.dimensions." + k
		v, err := execute(key, s.Metric.Dimensions[k], data)
		if err != nil {
			return Rendered{}, err
		}
		if err := checkDimensionValue(v); err != nil {
			return Rendered{}, verr(key, "rendered value %s", err)
		}
		data.Dimensions[k] = v
	}
	expr, err := execute("expression", s.Expression, data)
	if err != nil {
		return Rendered{}, err
	}
	expr = strings.TrimSpace(expr)
	parsed, err := ParseExpression(expr)
	if err != nil {
		return Rendered{}, verr("expression", "%s (rendered: %s)", err, expr)
	}
	matchBy := append([]string{}, s.MatchBy...)
	return Rendered{
		Expression: expr,
		MetricName: s.Metric.Name,
		Dimensions: map[string]string(data.Dimensions),
		MatchBy:    matchBy,
		Parsed:     parsed,
	}, nil
}

func (s *Scenario) usesHostname() bool {
	if strings.Contains(s.Expression, ".Hostname") {
		return true
	}
	for _, v := range s.Metric.Dimensions {
		if strings.Contains(v, ".Hostname") {
			return true
		}
	}
	return false
}

func execute(key, text string, data templateData) (string, error) {
	t, err := template.New(key).Option("missingkey=error").Parse(text)
	if err != nil {
		return "", verr(key, "template: %s", trimTemplateErr(err))
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", verr(key, "template: %s", trimTemplateErr(err))
	}
	return b.String(), nil
}

// trimTemplateErr drops text/template's "template: NAME:" prefix; the key
// already names the template.
func trimTemplateErr(err error) string {
	msg := err.Error()
	if _, rest, ok := strings.Cut(msg, "template: "); ok {
		if i := strings.Index(rest, ": "); i >= 0 {
			return rest[i+2:]
		}
	}
	return fmt.Sprint(msg)
}
