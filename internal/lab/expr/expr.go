// Package expr parses Monasca alarm expressions the way the Python API's
// pyparsing grammar does (monasca_api/expression_parser/alarm_expr_parser.py)
// and formats sub-expressions the way monasca-thresh prints them in state
// change reasons (AlarmSubExpression.getExpression).
package expr

import (
	"sort"
	"strconv"
	"strings"
)

// Defaults of the grammar.
const (
	DefaultPeriod  = 60
	DefaultPeriods = 1
)

// Normalized operators.
const (
	OpLT  = "LT"
	OpLTE = "LTE"
	OpGT  = "GT"
	OpGTE = "GTE"
)

// SubExpression is one `func(metric{dims}[, deterministic][, period]) OP
// threshold [times periods]` term.
type SubExpression struct {
	Function      string // upper-case: MIN MAX SUM COUNT AVG LAST
	MetricName    string
	Dimensions    map[string]string // never nil
	Operator      string            // LT LTE GT GTE
	Threshold     float64
	Period        int // seconds
	Periods       int
	Deterministic bool
}

// Exceeds reports whether value breaches the threshold under the operator.
func (s SubExpression) Exceeds(value float64) bool {
	switch s.Operator {
	case OpLT:
		return value < s.Threshold
	case OpLTE:
		return value <= s.Threshold
	case OpGT:
		return value > s.Threshold
	case OpGTE:
		return value >= s.Threshold
	}
	return false
}

// OperatorSymbol returns the operator as monasca-thresh prints it.
func (s SubExpression) OperatorSymbol() string {
	switch s.Operator {
	case OpLT:
		return "<"
	case OpLTE:
		return "<="
	case OpGT:
		return ">"
	case OpGTE:
		return ">="
	}
	return s.Operator
}

// String formats the sub-expression like monasca-thresh's getExpression:
// `avg(cpu.idle_perc{hostname=h1}) < 10.0`, `, deterministic` and `, <period>`
// only when not the defaults, ` times N` when N ≠ 1, dimensions like Java's
// Map.toString (sorted here so the text is stable). The result parses back
// to an equal sub-expression (up to the threshold's 15 decimal places).
func (s SubExpression) String() string {
	var b strings.Builder
	b.WriteString(strings.ToLower(s.Function))
	b.WriteByte('(')
	b.WriteString(s.MetricName)
	if len(s.Dimensions) > 0 {
		b.WriteString(FormatDimensions(s.Dimensions))
	}
	if s.Deterministic {
		b.WriteString(", deterministic")
	}
	if s.Period != DefaultPeriod {
		b.WriteString(", ")
		b.WriteString(strconv.Itoa(s.Period))
	}
	b.WriteString(") ")
	b.WriteString(s.OperatorSymbol())
	b.WriteByte(' ')
	b.WriteString(FormatThreshold(s.Threshold))
	if s.Periods != DefaultPeriods {
		b.WriteString(" times ")
		b.WriteString(strconv.Itoa(s.Periods))
	}
	return b.String()
}

// FormatDimensions prints dimensions like Java's Map.toString with sorted
// keys: `{hostname=h1, service=monitoring}`.
func FormatDimensions(dims map[string]string) string {
	keys := make([]string, 0, len(dims))
	for k := range dims {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(dims[k])
	}
	b.WriteByte('}')
	return b.String()
}

// FormatThreshold formats a value like Java's DecimalFormat("0.0##############"):
// at least one decimal, at most fifteen, no exponent. monasca-thresh uses it
// for thresholds; its reasons print current values with Java's
// Double.toString, see FormatValue.
func FormatThreshold(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if dot := strings.IndexByte(s, '.'); dot < 0 {
		return s + ".0"
	} else if len(s)-dot-1 > 15 {
		s = strconv.FormatFloat(v, 'f', 15, 64)
		s = strings.TrimRight(s, "0")
		if strings.HasSuffix(s, ".") {
			s += "0"
		}
	}
	return s
}

// FormatValue formats a measured value for a state change reason. Java
// prints List<Double> with Double.toString: "4.25", "20.0", "1.0E-5".
func FormatValue(v float64) string {
	abs := v
	if abs < 0 {
		abs = -abs
	}
	if abs != 0 && (abs < 1e-3 || abs >= 1e7) {
		// Java switches to computerized scientific notation here.
		m := strconv.FormatFloat(v, 'E', -1, 64)
		mant, exp, _ := strings.Cut(m, "E")
		if !strings.Contains(mant, ".") {
			mant += ".0"
		}
		exp = strings.TrimPrefix(exp, "+")
		if strings.HasPrefix(exp, "-") {
			exp = "-" + strings.TrimLeft(exp[1:], "0")
		} else {
			exp = strings.TrimLeft(exp, "0")
		}
		return mant + "E" + exp
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// Kind tells what a Node is.
type Kind int

// Node kinds.
const (
	KindSub Kind = iota // a leaf: Sub indexes SubExpressions()
	KindAnd
	KindOr
)

// Node is a node of the evaluation tree. `and` binds tighter than `or`;
// parentheses nest.
type Node struct {
	Kind     Kind
	Sub      int     // for KindSub
	Operands []*Node // for KindAnd, KindOr (two or more)
}

// Eval evaluates the node given each sub-expression's ALARM flag.
func (n *Node) Eval(alarm []bool) bool {
	switch n.Kind {
	case KindSub:
		return alarm[n.Sub]
	case KindAnd:
		for _, o := range n.Operands {
			if !o.Eval(alarm) {
				return false
			}
		}
		return true
	default:
		for _, o := range n.Operands {
			if o.Eval(alarm) {
				return true
			}
		}
		return false
	}
}

// Expression is a parsed alarm expression.
type Expression struct {
	root *Node
	subs []SubExpression
}

// SubExpressions returns the sub-expressions in textual order (the order the
// Python API's operands_list gives). The slice is a copy; the Dimensions maps
// are shared and must not be modified.
func (e *Expression) SubExpressions() []SubExpression {
	out := make([]SubExpression, len(e.subs))
	copy(out, e.subs)
	return out
}

// Root returns the evaluation tree.
func (e *Expression) Root() *Node { return e.root }

// Evaluate reports whether the whole expression is in ALARM given each
// sub-expression's ALARM flag, indexed like SubExpressions().
func (e *Expression) Evaluate(alarm []bool) bool { return e.root.Eval(alarm) }

// Deterministic reports whether every sub-expression is deterministic, as
// the API's is_definition_deterministic computes it.
func (e *Expression) Deterministic() bool {
	for _, s := range e.subs {
		if !s.Deterministic {
			return false
		}
	}
	return true
}

// String prints the expression with monasca-thresh's sub-expression format,
// `and`/`or` operators and the parentheses the tree needs.
func (e *Expression) String() string {
	var b strings.Builder
	e.write(&b, e.root, false)
	return b.String()
}

func (e *Expression) write(b *strings.Builder, n *Node, paren bool) {
	switch n.Kind {
	case KindSub:
		b.WriteString(e.subs[n.Sub].String())
		return
	}
	op := " and "
	if n.Kind == KindOr {
		op = " or "
	}
	if paren {
		b.WriteByte('(')
	}
	for i, o := range n.Operands {
		if i > 0 {
			b.WriteString(op)
		}
		// Parenthesise any nested operator node: always correct, and it
		// keeps the tree's shape on a re-parse.
		e.write(b, o, o.Kind != KindSub)
	}
	if paren {
		b.WriteByte(')')
	}
}
