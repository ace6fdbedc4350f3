package expr

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// ParseError is a failed parse. Its Error() is the description of the API's
// 422 "Invalid alarm expression". Column is 1-based and counts characters,
// like pyparsing's.
type ParseError struct {
	Expr   string
	Column int
	Msg    string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("parser failed on expression '%s' at column %d: %s", e.Expr, e.Column, e.Msg)
}

// maxWord is pyparsing's Word(..., max=255) for names and dimension parts.
const maxWord = 255

const (
	msgRelOp = "Expected {'<=' | 'LTE' | '<' | 'LT' | '>=' | 'GTE' | '>' | 'GT'}"
	msgFunc  = "Expected {'MAX' | 'MIN' | 'AVG' | 'COUNT' | 'SUM' | 'LAST'}"
	// The same before Newton, without last().
	msgFuncNoLast = "Expected {'MAX' | 'MIN' | 'AVG' | 'COUNT' | 'SUM'}"
	msgNumber     = "Expected W:(0-9)"
	msgExpr       = "Expected expression" // internal: no alternative got past the start
	// What pyparsing 3.3 says where no alternative got past the start: of
	// the whole expression, and of one in parentheses.
	msgTopStart    = "Expected {'OR' | '||'} operations"
	msgNestedStart = "No expression defined"
	msgEnd         = "Expected string_end"
	msgMetric      = "Expected metric_name"
	msgDimName     = "Expected dimension_name"
	msgDimValue    = "Expected dimension_value"
)

// Grammar selects an older release's alarm-expression grammar; the zero
// value is the latest.
type Grammar struct {
	// NoDeterministic: no ", deterministic" after the metric (before
	// Newton).
	NoDeterministic bool
	// NoLast: the functions are max, min, avg, count and sum (before
	// Newton).
	NoLast bool
}

// Parse parses an alarm expression with the Python API's grammar.
func Parse(s string) (*Expression, error) { return ParseGrammar(s, Grammar{}) }

// ParseGrammar parses an alarm expression with the grammar g.
func ParseGrammar(s string, g Grammar) (*Expression, error) {
	p := &parser{src: expandTabs(s), grammar: g}
	end, tree, f := p.orExpr(0)
	if f == nil {
		if q := p.ws(end); q < len(p.src) {
			f = &failure{pos: q, msg: msgEnd}
		}
	}
	if f != nil {
		msg := f.msg
		if msg == msgExpr {
			msg = msgNestedStart
			if f.pos == p.ws(0) {
				msg = msgTopStart
			}
		}
		return nil, &ParseError{Expr: s, Column: p.column(f.pos), Msg: msg}
	}
	e := &Expression{}
	e.root = e.build(tree)
	return e, nil
}

// failure is a pyparsing ParseException (or, when fatal, a
// ParseFatalException, which no alternative or Optional may swallow).
type failure struct {
	pos   int
	msg   string
	fatal bool
}

// ptree is the parse tree before sub-expressions get their indices; leaves
// are only numbered once the whole parse succeeded, since backtracking may
// drop some.
type ptree struct {
	kind Kind
	sub  SubExpression
	ops  []*ptree
}

func (e *Expression) build(t *ptree) *Node {
	if t.kind == KindSub {
		e.subs = append(e.subs, t.sub)
		return &Node{Kind: KindSub, Sub: len(e.subs) - 1}
	}
	n := &Node{Kind: t.kind}
	for _, o := range t.ops {
		n.Operands = append(n.Operands, e.build(o))
	}
	return n
}

type parser struct {
	src []rune
	// dry counts the lookaheads in progress: pyparsing's infix_notation
	// tries "operand op operand" with try_parse, which runs no parse
	// actions, so the period checks (and the lab's threshold check) do not
	// fail while it looks.
	dry     int
	grammar Grammar
}

// expandTabs is Python's str.expandtabs(8), which pyparsing's parseString
// applies before parsing: it moves columns and turns tabs inside dimension
// values into spaces.
func expandTabs(s string) []rune {
	out := make([]rune, 0, len(s))
	col := 0
	for _, r := range s {
		switch r {
		case '\t':
			n := 8 - col%8
			for range n {
				out = append(out, ' ')
			}
			col += n
		case '\n', '\r':
			out = append(out, r)
			col = 0
		default:
			out = append(out, r)
			col++
		}
	}
	return out
}

// column is pyparsing's col(): 1-based within the line.
func (p *parser) column(pos int) int {
	if pos < len(p.src) && p.src[pos] == '\n' {
		return 1
	}
	for i := pos - 1; i >= 0; i-- {
		if p.src[i] == '\n' {
			return pos - i
		}
	}
	return pos + 1
}

// ws skips pyparsing's default whitespace, which it skips before every
// element.
func (p *parser) ws(pos int) int {
	for pos < len(p.src) {
		switch p.src[pos] {
		case ' ', '\t', '\n', '\r':
			pos++
		default:
			return pos
		}
	}
	return pos
}

// lit matches a CaselessLiteral (or a plain literal for symbols) after
// whitespace. Like pyparsing it does not require a word boundary after it:
// "0or" is "0" then "or".
func (p *parser) lit(pos int, l string) (int, bool) {
	q := p.ws(pos)
	i := q
	for _, c := range l {
		if i >= len(p.src) || unicode.ToUpper(p.src[i]) != unicode.ToUpper(c) {
			return q, false
		}
		i++
	}
	return i, true
}

// isIdent reports whether r is one of valid_identifier_chars: ASCII letters
// and digits, `.-_#!$%&'*+/:;?@[\]^`|~`, and any non-space character of the
// Basic Multilingual Plane above 127 (the grammar enumerates 128..65535,
// so U+FFFD is one of them).
func isIdent(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	case r < 128:
		return strings.ContainsRune(".-_#!$%&'*+/:;?@[\\]^`|~", r)
	case r > 0xFFFF:
		return false
	}
	return !unicode.IsSpace(r)
}

// word matches pyparsing's Word(valid_identifier_chars[+' '], min=1, max=255).
// pyparsing 3 takes at most max characters and leaves the rest to the next
// element, which then fails at the 256th (or, as in a name followed by
// "lt 5", reads it).
func (p *parser) word(pos int, spaces bool, msg string) (int, string, *failure) {
	q := p.ws(pos)
	i := q
	for i < len(p.src) && i-q < maxWord && (isIdent(p.src[i]) || spaces && p.src[i] == ' ') {
		i++
	}
	if i == q {
		return q, "", &failure{pos: q, msg: msg}
	}
	return i, string(p.src[q:i]), nil
}

func (p *parser) digits(pos int) (int, string, *failure) {
	q := p.ws(pos)
	i := q
	for i < len(p.src) && p.src[i] >= '0' && p.src[i] <= '9' {
		i++
	}
	if i == q {
		return q, "", &failure{pos: q, msg: msgNumber}
	}
	return i, string(p.src[q:i]), nil
}

// furthest mimics pyparsing's MatchFirst error: the alternative that got
// furthest wins; when all failed where the choice started, the choice's own
// message replaces theirs. A fatal failure always wins.
func (p *parser) furthest(start int, msg string, fs ...*failure) *failure {
	var best *failure
	for _, f := range fs {
		if f.fatal {
			return f
		}
		if best == nil || f.pos > best.pos {
			best = f
		}
	}
	if best.pos <= p.ws(start) {
		return &failure{pos: p.ws(start), msg: msg}
	}
	return best
}

func (p *parser) orExpr(pos int) (int, *ptree, *failure) {
	return p.chain(pos, KindOr, []string{"or", "||"}, p.andExpr)
}

func (p *parser) andExpr(pos int) (int, *ptree, *failure) {
	return p.chain(pos, KindAnd, []string{"and", "&&"}, p.atom)
}

// chain is one level of pyparsing's infixNotation: operand (op operand)*,
// left-associative, a dangling operator is left for the caller to reject.
func (p *parser) chain(pos int, kind Kind, ops []string, operand func(int) (int, *ptree, *failure)) (int, *ptree, *failure) {
	end, first, f := operand(pos)
	if f != nil {
		return pos, nil, f
	}
	node := &ptree{kind: kind, ops: []*ptree{first}}
	for {
		next, ok := -1, false
		for _, op := range ops {
			if next, ok = p.lit(end, op); ok {
				break
			}
		}
		if !ok {
			break
		}
		if len(node.ops) == 1 {
			// The lookahead before the first operator: when the second
			// operand does not parse, the chain is the first operand alone,
			// and what the second's parse actions would have refused is
			// never checked.
			p.dry++
			_, _, df := operand(next)
			p.dry--
			if df != nil {
				break
			}
		}
		e2, t, f := operand(next)
		if f != nil {
			if f.fatal {
				return pos, nil, f
			}
			break
		}
		node.ops = append(node.ops, t)
		end = e2
	}
	if len(node.ops) == 1 {
		return end, first, nil
	}
	return end, node, nil
}

// atom is a sub-expression or a parenthesised expression.
func (p *parser) atom(pos int) (int, *ptree, *failure) {
	end, t, f1 := p.subExpr(pos)
	if f1 == nil {
		return end, t, nil
	}
	if f1.fatal {
		return pos, nil, f1
	}
	open, ok := p.lit(pos, "(")
	if !ok {
		return pos, nil, p.furthest(pos, msgExpr, f1, &failure{pos: open, msg: "Expected '('"})
	}
	end, t, f2 := p.orExpr(open)
	if f2 == nil {
		var ok bool
		if end, ok = p.lit(end, ")"); ok {
			return end, t, nil
		}
		f2 = &failure{pos: end, msg: "Expected ')'"}
	}
	return pos, nil, p.furthest(pos, msgExpr, f1, f2)
}

// subExpr is `(func(metric[, deterministic][, period]) | metric) OP
// threshold [times periods]`.
func (p *parser) subExpr(pos int) (int, *ptree, *failure) {
	sub := SubExpression{Period: DefaultPeriod, Periods: DefaultPeriods}
	end, f1 := p.funcAndMetric(pos, &sub)
	if f1 != nil {
		if f1.fatal {
			return pos, nil, f1
		}
		sub = SubExpression{Period: DefaultPeriod, Periods: DefaultPeriods}
		var f2 *failure
		end, sub.MetricName, sub.Dimensions, f2 = p.metric(pos)
		if f2 != nil {
			return pos, nil, p.furthest(pos, msgExpr, f1, f2)
		}
	}
	end, op, ok := p.relOp(end)
	if !ok {
		return pos, nil, &failure{pos: end, msg: msgRelOp}
	}
	sub.Operator = op
	if sub.Function == "" {
		// No function: max for > and >=, min for < and <=.
		sub.Function = "MIN"
		if op == OpGT || op == OpGTE {
			sub.Function = "MAX"
		}
	}
	numStart := p.ws(end)
	end, num, f := p.number(end)
	if f != nil {
		return pos, nil, f
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil && p.dry == 0 {
		// Only overflow gets here; Python would keep an infinite threshold,
		// which nothing downstream can print or compare sensibly.
		return pos, nil, &failure{pos: numStart, msg: "Threshold " + num + " is out of range", fatal: true}
	}
	sub.Threshold = v
	if t, ok := p.lit(end, "times"); ok {
		e2, n, f := p.digits(t)
		if f == nil {
			periods, f := p.validatePeriods(p.ws(t), n)
			if f != nil {
				return pos, nil, f
			}
			sub.Periods, end = periods, e2
		}
	}
	if sub.Dimensions == nil {
		sub.Dimensions = map[string]string{}
	}
	return end, &ptree{kind: KindSub, sub: sub}, nil
}

var funcs = []string{"max", "min", "avg", "count", "sum", "last"}

func (p *parser) funcAndMetric(pos int, sub *SubExpression) (int, *failure) {
	end, ok := -1, false
	for _, fn := range funcs {
		if fn == "last" && p.grammar.NoLast {
			continue
		}
		if end, ok = p.lit(pos, fn); ok {
			sub.Function = strings.ToUpper(fn)
			break
		}
	}
	if !ok {
		msg := msgFunc
		if p.grammar.NoLast {
			msg = msgFuncNoLast
		}
		return pos, &failure{pos: p.ws(pos), msg: msg}
	}
	if end, ok = p.lit(end, "("); !ok {
		return pos, &failure{pos: end, msg: "Expected '('"}
	}
	end, name, dims, f := p.metric(end)
	if f != nil {
		return pos, f
	}
	sub.MetricName, sub.Dimensions = name, dims
	if c, ok := p.lit(end, ","); ok && !p.grammar.NoDeterministic {
		if d, ok := p.lit(c, "deterministic"); ok {
			sub.Deterministic, end = true, d
		}
	}
	if c, ok := p.lit(end, ","); ok {
		if e2, n, f := p.digits(c); f == nil {
			period, f := p.validatePeriod(p.ws(c), n)
			if f != nil {
				return pos, f
			}
			sub.Period, end = period, e2
		}
	}
	if end, ok = p.lit(end, ")"); !ok {
		return pos, &failure{pos: end, msg: "Expected ')'"}
	}
	return end, nil
}

// validatePeriod is the grammar's periodValidation parse action; its
// failures are fatal, as ParseFatalException is.
func (p *parser) validatePeriod(at int, text string) (int, *failure) {
	n, err := strconv.Atoi(text)
	switch {
	case p.dry > 0:
		return DefaultPeriod, nil
	case err != nil:
		return 0, &failure{pos: at, msg: "Period " + text + " is too large", fatal: true}
	case n == 0:
		return 0, &failure{pos: at, msg: "Period must not be 0", fatal: true}
	case n%60 != 0:
		return 0, &failure{pos: at, msg: fmt.Sprintf("Period %d must be a multiple of 60", n), fatal: true}
	}
	return n, nil
}

// validatePeriods is the grammar's periodsValidation parse action.
func (p *parser) validatePeriods(at int, text string) (int, *failure) {
	n, err := strconv.Atoi(text)
	switch {
	case p.dry > 0:
		return DefaultPeriods, nil
	case err != nil:
		return 0, &failure{pos: at, msg: "Periods " + text + " is too large", fatal: true}
	case n < 1:
		return 0, &failure{pos: at, msg: fmt.Sprintf("Periods %d must be 1 or greater", n), fatal: true}
	}
	return n, nil
}

// metric is `name` or `name{k=v,...}`; `{}` is allowed.
func (p *parser) metric(pos int) (int, string, map[string]string, *failure) {
	end, name, f := p.word(pos, false, msgMetric)
	if f != nil {
		return pos, "", nil, f
	}
	dims := map[string]string{}
	if e2, ok := p.dimensions(end, dims); ok {
		end = e2
	} else {
		clear(dims) // Optional: a failed dimension list matches nothing
	}
	return end, name, dims, nil
}

// dimensions is `{ [dim (, dim)*] }`. Names and values may hold spaces; the
// whitespace before each is skipped, trailing spaces are kept (pyparsing's
// Word with ' ' in its characters).
func (p *parser) dimensions(pos int, dims map[string]string) (int, bool) {
	end, ok := p.lit(pos, "{")
	if !ok {
		return pos, false
	}
	if e2, ok := p.dimension(end, dims); ok {
		end = e2
		for {
			c, ok := p.lit(end, ",")
			if !ok {
				break
			}
			e3, ok := p.dimension(c, dims)
			if !ok {
				break
			}
			end = e3
		}
	}
	end, ok = p.lit(end, "}")
	return end, ok
}

func (p *parser) dimension(pos int, dims map[string]string) (int, bool) {
	end, name, f := p.word(pos, true, msgDimName)
	if f != nil {
		return pos, false
	}
	end, ok := p.lit(end, "=")
	if !ok {
		return pos, false
	}
	end, value, f := p.word(end, true, msgDimValue)
	if f != nil {
		return pos, false
	}
	dims[name] = value
	return end, true
}

func (p *parser) relOp(pos int) (int, string, bool) {
	for _, o := range []struct{ lit, op string }{
		{"<=", OpLTE}, {"lte", OpLTE}, {"<", OpLT}, {"lt", OpLT},
		{">=", OpGTE}, {"gte", OpGTE}, {">", OpGT}, {"gt", OpGT},
	} {
		if end, ok := p.lit(pos, o.lit); ok {
			return end, o.op, true
		}
	}
	return p.ws(pos), "", false
}

// number is `-?digits(.digits)?`, with pyparsing's whitespace skipping
// between the parts ("- 5" is -5).
func (p *parser) number(pos int) (int, string, *failure) {
	var b strings.Builder
	end := pos
	if m, ok := p.lit(pos, "-"); ok {
		b.WriteByte('-')
		end = m
	}
	end, intPart, f := p.digits(end)
	if f != nil {
		return pos, "", f
	}
	b.WriteString(intPart)
	if d, ok := p.lit(end, "."); ok {
		if e2, frac, f := p.digits(d); f == nil {
			b.WriteByte('.')
			b.WriteString(frac)
			end = e2
		}
	}
	return end, b.String(), nil
}
