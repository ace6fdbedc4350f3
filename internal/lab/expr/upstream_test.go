package expr

import (
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/monhook/monhook/internal/jsonlcases"
)

// upstreamExpr is one expression and what monasca-api's AlarmExprParser
// made of it: testdata/upstream_expressions.jsonl holds generated
// expressions (valid ones, mutations, long words, unusual characters) run
// through alarm_expr_parser.py with pyparsing 3.3.2; only the outputs are
// kept (the message where it was recorded). MONHOOK_UPSTREAM_EXPRESSIONS
// names another such file.
type upstreamExpr struct {
	Expr   string  `json:"expr"`
	OK     bool    `json:"ok"`
	Column int     `json:"column"`
	Msg    string  `json:"msg"`  // "" where not compared
	Subs   [][]any `json:"subs"` // function, metric, ["k=v"...], operator, threshold, period, periods, deterministic
}

func upstreamExprFile() string {
	if f := os.Getenv("MONHOOK_UPSTREAM_EXPRESSIONS"); f != "" {
		return f
	}
	return "testdata/upstream_expressions.jsonl"
}

// TestUpstreamExpressions: the lab accepts what the upstream parser
// accepts, finds the same sub-expressions, and refuses at the same column.
func TestUpstreamExpressions(t *testing.T) {
	cases := jsonlcases.Load[upstreamExpr](t, upstreamExprFile())
	for _, c := range cases {
		e, err := Parse(c.Expr)
		if !c.OK {
			pe, isParse := err.(*ParseError)
			switch {
			case err == nil:
				t.Errorf("%q: accepted, upstream refuses it at column %d", c.Expr, c.Column)
			case !isParse || pe.Column != c.Column || (c.Msg != "" && pe.Msg != c.Msg):
				t.Errorf("%q: refused with %v, upstream at column %d: %s", c.Expr, err, c.Column, c.Msg)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v; upstream accepts it", c.Expr, err)
			continue
		}
		var got [][]any
		for _, s := range e.SubExpressions() {
			dims := []any{}
			for k, v := range s.Dimensions {
				dims = append(dims, k+"="+v)
			}
			slices.SortFunc(dims, func(a, b any) int { return cmpStr(a.(string), b.(string)) })
			got = append(got, []any{s.Function, s.MetricName, dims, s.Operator, s.Threshold, float64(s.Period), float64(s.Periods), s.Deterministic})
		}
		for _, w := range c.Subs {
			// Upstream keeps a repeated dimension twice in its list; the
			// definition event it sends (a dict) and the lab keep one.
			d := w[2].([]any)
			slices.SortFunc(d, func(a, b any) int { return cmpStr(a.(string), b.(string)) })
			w[2] = slices.Compact(d)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.Subs) {
			t.Errorf("%q: sub-expressions %v, upstream %v", c.Expr, got, c.Subs)
		}
	}
	if len(cases) < 100 {
		t.Fatalf("only %d expressions", len(cases))
	}
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
