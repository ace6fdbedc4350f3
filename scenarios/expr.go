package scenarios

import (
	"fmt"
	"regexp"
	"strings"
)

// Expression is an alarm expression that passed CheckExpression, broken
// into its sub-expressions (in the order they appear). The and/or tree is
// not kept: the client only needs to know what each sub-alarm watches.
type Expression struct {
	// Text is the expression as given.
	Text string
	// Subs are the sub-expressions, left to right.
	Subs []SubExpression
}

// Deterministic reports whether Monasca will flag the definition as
// deterministic: only when every sub-expression is. A deterministic alarm
// starts OK instead of UNDETERMINED (monasca-thresh).
func (e *Expression) Deterministic() bool {
	for _, s := range e.Subs {
		if !s.Deterministic {
			return false
		}
	}
	return len(e.Subs) > 0
}

// SubExpression is one `func(metric{dims}[, deterministic][, period]) OP
// threshold [times periods]`, with Monasca's defaults filled in.
type SubExpression struct {
	// Function is lower-case: min, max, sum, count, avg or last. When the
	// expression names none, Monasca uses max for > and >=, min for < and <=.
	Function string
	// Metric is the metric name.
	Metric string
	// Dimensions are the {k=v} pairs; empty when the expression has none.
	Dimensions map[string]string
	// Operator is normalised to a symbol: <, <=, > or >=.
	Operator string
	// Threshold is the number compared against.
	Threshold float64
	// Period is the evaluation period in seconds (default 60).
	Period int
	// Periods is the `times N` count (default 1).
	Periods int
	// Deterministic is set by the `deterministic` argument.
	Deterministic bool
	// Column is where the sub-expression starts (1-based).
	Column int
}

// ExpressionError says what is wrong with an expression and where, the way
// Monasca's own parser reports a column, so the message can be acted upon
// before anything is created.
type ExpressionError struct {
	Expr   string
	Column int // 1-based, counted in characters
	Msg    string
}

func (e *ExpressionError) Error() string {
	return fmt.Sprintf("column %d: %s", e.Column, e.Msg)
}

// CheckExpression checks expr against Monasca's alarm expression grammar
// (monasca-common's AlarmExpression): functions min/max/sum/count/avg/last,
// the operators < <= > >= lt lte gt gte (there is no =), and/&&/or/||,
// parentheses, plain
// decimal thresholds, a non-zero period that is a multiple of 60,
// `deterministic` before the period, and `times N` with N >= 1.
//
// It is deliberately a little stricter than Monasca where Monasca accepts
// something that can only be a mistake: spaces around `=` or at the edges
// of a dimension (Monasca folds them into the dimension name, pitfall 10)
// and a dimension key given twice.
func CheckExpression(expr string) error {
	_, err := ParseExpression(expr)
	return err
}

// ParseExpression is CheckExpression that also returns what it parsed.
func ParseExpression(expr string) (*Expression, error) {
	p := &exprParser{src: []rune(expr), text: expr}
	if err := p.parseExpr(); err != nil {
		return nil, err
	}
	p.skipSpace()
	if !p.eof() {
		if p.peek() == '=' {
			return nil, p.errf("there is no '=' operator in Monasca expressions; use <, <=, > or >=")
		}
		return nil, p.errf("unexpected %s; expected 'and', 'or' or the end of the expression", p.found())
	}
	return &Expression{Text: expr, Subs: p.subs}, nil
}

// functions are Monasca's aggregation functions (case-insensitive).
var functions = map[string]bool{"min": true, "max": true, "sum": true, "count": true, "avg": true, "last": true}

// isNameRune reports whether r may appear in a metric name or in a
// dimension key or value: letters, digits, .-_#!$%&'*+/:;?@[\]^`|~ and any
// non-ASCII rune that is not a space (monasca-common's grammar).
func isNameRune(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	case r > 127:
		return !isSpace(r)
	}
	return strings.ContainsRune(".-_#!$%&'*+/:;?@[\\]^`|~", r)
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f', 0x85, 0xA0:
		return true
	}
	return r > 0xff && strings.TrimSpace(string(r)) == ""
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// deterministicArg matches the deterministic argument of a function call:
// after a comma, before the next comma (the period) or the closing
// parenthesis. A dimension key or value named deterministic is followed by
// '=' or '}' and does not match.
var deterministicArg = regexp.MustCompile(`(?i)\s*,\s*deterministic\s*([,)])`)

// WithoutDeterministic returns expr without its deterministic arguments,
// for an API older than them (Newton added them): the alarms then start
// UNDETERMINED instead of OK.
func WithoutDeterministic(expr string) string {
	return deterministicArg.ReplaceAllString(expr, "$1")
}
