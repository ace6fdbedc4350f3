package scenarios

import (
	"fmt"
	"strconv"
	"strings"
)

// maxMetricName is Monasca's limit on metric names (monasca-api's metric validation).
const maxMetricName = 255

// exprParser is a recursive-descent parser over runes, so that columns
// count characters as Monasca's (pyparsing) messages do.
type exprParser struct {
	src  []rune
	text string
	pos  int
	subs []SubExpression
}

func (p *exprParser) eof() bool  { return p.pos >= len(p.src) }
func (p *exprParser) peek() rune { return p.src[p.pos] }

func (p *exprParser) skipSpace() {
	for !p.eof() && isSpace(p.peek()) {
		p.pos++
	}
}

func (p *exprParser) errAt(pos int, format string, args ...any) error {
	return &ExpressionError{Expr: p.text, Column: pos + 1, Msg: fmt.Sprintf(format, args...)}
}

func (p *exprParser) errf(format string, args ...any) error {
	return p.errAt(p.pos, format, args...)
}

// found describes what is at the current position, for error messages.
func (p *exprParser) found() string {
	if p.eof() {
		return "end of expression"
	}
	end := p.pos
	for end < len(p.src) && end-p.pos < 12 && !isSpace(p.src[end]) {
		end++
	}
	if end == p.pos {
		end++
	}
	return strconv.Quote(string(p.src[p.pos:end]))
}

// hasWord reports whether the (case-insensitive) keyword w starts at the
// current position and is not merely the prefix of a longer name.
func (p *exprParser) hasWord(w string) bool {
	n := len([]rune(w))
	if p.pos+n > len(p.src) || !strings.EqualFold(string(p.src[p.pos:p.pos+n]), w) {
		return false
	}
	return p.pos+n == len(p.src) || !isNameRune(p.src[p.pos+n])
}

func (p *exprParser) hasPrefix(s string) bool {
	n := len([]rune(s))
	return p.pos+n <= len(p.src) && string(p.src[p.pos:p.pos+n]) == s
}

// logical consumes one of the given spellings of a boolean operator.
func (p *exprParser) logical(word, symbol string) bool {
	p.skipSpace()
	switch {
	case p.hasPrefix(symbol):
		p.pos += len(symbol)
	case p.hasWord(word):
		p.pos += len(word)
	default:
		return false
	}
	return true
}

// expression := and_expr (("or" | "||") and_expr)*   -- and binds tighter.
func (p *exprParser) parseExpr() error {
	if err := p.parseAnd(); err != nil {
		return err
	}
	for p.logical("or", "||") {
		if err := p.parseAnd(); err != nil {
			return err
		}
	}
	return nil
}

// and_expr := term (("and" | "&&") term)*
func (p *exprParser) parseAnd() error {
	if err := p.parseTerm(); err != nil {
		return err
	}
	for p.logical("and", "&&") {
		if err := p.parseTerm(); err != nil {
			return err
		}
	}
	return nil
}

// term := "(" expression ")" | sub_expression
func (p *exprParser) parseTerm() error {
	p.skipSpace()
	if !p.eof() && p.peek() == '(' {
		open := p.pos
		p.pos++
		if err := p.parseExpr(); err != nil {
			return err
		}
		p.skipSpace()
		if p.eof() || p.peek() != ')' {
			return p.errf("expected ')' to close the '(' at column %d, found %s", open+1, p.found())
		}
		p.pos++
		return nil
	}
	return p.parseSub()
}

// readName reads a run of name runes (possibly empty).
func (p *exprParser) readName() string {
	start := p.pos
	for !p.eof() && isNameRune(p.peek()) {
		p.pos++
	}
	return string(p.src[start:p.pos])
}

// sub_expression := func "(" metric ["," "deterministic"] ["," period] ")" op threshold ["times" periods]
//
//	| metric op threshold ["times" periods]
func (p *exprParser) parseSub() error {
	start := p.pos
	sub := SubExpression{Period: 60, Periods: 1, Column: start + 1}
	name := p.readName()
	if name == "" {
		return p.errf("expected a metric name, a function (min, max, sum, count, avg, last) or '(', found %s", p.found())
	}
	afterName := p.pos
	p.skipSpace()
	if !p.eof() && p.peek() == '(' {
		if !functions[strings.ToLower(name)] {
			return p.errAt(start, "unknown function %q; Monasca knows min, max, sum, count, avg and last", name)
		}
		sub.Function = strings.ToLower(name)
		p.pos++
		p.skipSpace()
		metricStart := p.pos
		if err := p.parseMetric(&sub, p.readName(), metricStart); err != nil {
			return err
		}
		if err := p.parseArgs(&sub); err != nil {
			return err
		}
	} else {
		p.pos = afterName
		if err := p.parseMetric(&sub, name, start); err != nil {
			return err
		}
	}
	if err := p.parseOperator(&sub); err != nil {
		return err
	}
	if err := p.parseThreshold(&sub); err != nil {
		return err
	}
	if err := p.parseTimes(&sub); err != nil {
		return err
	}
	if sub.Function == "" {
		sub.Function = "max"
		if sub.Operator[0] == '<' {
			sub.Function = "min"
		}
	}
	p.subs = append(p.subs, sub)
	return nil
}

// metric := name ["{" [dim ("," dim)*] "}"]
func (p *exprParser) parseMetric(sub *SubExpression, name string, at int) error {
	if name == "" {
		return p.errf("expected a metric name, found %s", p.found())
	}
	if n := len([]rune(name)); n > maxMetricName {
		return p.errAt(at, "metric name is %d characters long; Monasca allows at most %d", n, maxMetricName)
	}
	sub.Metric = name
	save := p.pos
	p.skipSpace()
	if p.eof() || p.peek() != '{' {
		p.pos = save
		return nil
	}
	p.pos++
	sub.Dimensions = map[string]string{}
	p.skipSpace()
	if !p.eof() && p.peek() == '}' {
		p.pos++
		return nil
	}
	for {
		keyAt := p.pos
		key, err := p.readDimPart("dimension name")
		if err != nil {
			return err
		}
		if p.eof() || p.peek() != '=' {
			return p.errf("expected '=' after dimension name %q, found %s", key, p.found())
		}
		p.pos++
		value, err := p.readDimPart("value of dimension " + strconv.Quote(key))
		if err != nil {
			return err
		}
		if _, dup := sub.Dimensions[key]; dup {
			return p.errAt(keyAt, "dimension %q is given twice", key)
		}
		sub.Dimensions[key] = value
		if p.eof() {
			return p.errf("expected ',' or '}' after dimension %q, found end of expression", key)
		}
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return nil
		case '=':
			return p.errf("dimension %q has a second '='; a dimension is key=value", key)
		default:
			return p.errf("expected ',' or '}' after dimension %q, found %s", key, p.found())
		}
	}
}

// readDimPart reads a dimension key or value. Like Monasca's parser it
// skips spaces before the token and keeps inner spaces; a trailing space
// would become part of the name or value (pitfall 10: `hostname = h1` is
// the dimension "hostname " in Monasca), which is never what the author
// meant, so it is rejected here.
func (p *exprParser) readDimPart(what string) (string, error) {
	p.skipSpace()
	start := p.pos
	for !p.eof() && (isNameRune(p.peek()) || p.peek() == ' ') {
		p.pos++
	}
	part := string(p.src[start:p.pos])
	switch {
	case part == "":
		return "", p.errf("expected the %s, found %s", what, p.found())
	case part[len(part)-1] == ' ':
		return "", p.errAt(start+len([]rune(strings.TrimRight(part, " "))),
			"space after the %s: Monasca would make it part of the %s", what, what)
	}
	return part, nil
}

// args := ["," "deterministic"] ["," period] ")"
func (p *exprParser) parseArgs(sub *SubExpression) error {
	periodSeen := false
	for {
		p.skipSpace()
		if p.eof() {
			return p.errf("expected ')' to close the function call, found end of expression")
		}
		switch p.peek() {
		case ')':
			p.pos++
			return nil
		case ',':
			p.pos++
		default:
			return p.errf("expected ',' or ')' in the function call, found %s", p.found())
		}
		p.skipSpace()
		at := p.pos
		arg := p.readName()
		switch {
		case strings.EqualFold(arg, "deterministic"):
			if periodSeen {
				return p.errAt(at, "'deterministic' must come before the period")
			}
			if sub.Deterministic {
				return p.errAt(at, "'deterministic' is given twice")
			}
			sub.Deterministic = true
		case arg != "" && strings.Trim(arg, "0123456789") == "":
			if periodSeen {
				return p.errAt(at, "the period is given twice")
			}
			period, err := strconv.Atoi(arg)
			switch {
			case err != nil:
				return p.errAt(at, "period %s is out of range", arg)
			case period == 0:
				return p.errAt(at, "Period must not be 0")
			case period%60 != 0:
				return p.errAt(at, "Period %d must be a multiple of 60", period)
			}
			sub.Period, periodSeen = period, true
		default:
			return p.errAt(at, "expected 'deterministic' or a period in seconds, found %s", p.found())
		}
	}
}

// op := "<=" | "<" | ">=" | ">" | lte | lt | gte | gt (case-insensitive)
func (p *exprParser) parseOperator(sub *SubExpression) error {
	p.skipSpace()
	for _, o := range []struct{ text, sym string }{
		{"<=", "<="}, {"<", "<"}, {">=", ">="}, {">", ">"},
	} {
		if p.hasPrefix(o.text) {
			p.pos += len(o.text)
			sub.Operator = o.sym
			return nil
		}
	}
	for _, o := range []struct{ word, sym string }{
		{"lte", "<="}, {"lt", "<"}, {"gte", ">="}, {"gt", ">"},
	} {
		n := len(o.word)
		if p.pos+n <= len(p.src) && strings.EqualFold(string(p.src[p.pos:p.pos+n]), o.word) {
			p.pos += n
			sub.Operator = o.sym
			return nil
		}
	}
	if p.hasPrefix("=") || p.hasPrefix("!=") {
		return p.errf("there is no '=' operator in Monasca expressions; use <, <=, > or >=")
	}
	return p.errf("expected a comparison operator (<, <=, >, >=, lt, lte, gt, gte), found %s", p.found())
}

// threshold := "-"? digits ("." digits)?  -- no exponent, no leading '.', no '+'.
func (p *exprParser) parseThreshold(sub *SubExpression) error {
	p.skipSpace()
	start := p.pos
	bad := func() error {
		p.pos = start
		return p.errf("expected a threshold written as a plain decimal number (like 10, -1 or 0.5), found %s", p.found())
	}
	if !p.eof() && p.peek() == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for !p.eof() && isDigit(p.peek()) {
			p.pos++
			n++
		}
		return n
	}
	if digits() == 0 {
		return bad()
	}
	if !p.eof() && p.peek() == '.' {
		p.pos++
		if digits() == 0 {
			return bad()
		}
	}
	// "1e3" or "10abc": Monasca stops at the number and then fails on the rest.
	if !p.eof() && isNameRune(p.peek()) {
		return bad()
	}
	v, err := strconv.ParseFloat(string(p.src[start:p.pos]), 64)
	if err != nil {
		return bad()
	}
	sub.Threshold = v
	return nil
}

// times := "times" digits   (optional; periods >= 1)
func (p *exprParser) parseTimes(sub *SubExpression) error {
	save := p.pos
	p.skipSpace()
	if !p.hasWord("times") {
		p.pos = save
		return nil
	}
	p.pos += len("times")
	p.skipSpace()
	at := p.pos
	n := p.readName()
	if n == "" || strings.Trim(n, "0123456789") != "" {
		p.pos = at
		return p.errf("expected the number of periods after 'times', found %s", p.found())
	}
	periods, err := strconv.Atoi(n)
	switch {
	case err != nil:
		return p.errAt(at, "periods %s is out of range", n)
	case periods < 1:
		return p.errAt(at, "Periods %d must be 1 or greater", periods)
	}
	sub.Periods = periods
	return nil
}
