package scenarios

import (
	"errors"
	"testing"
	"unicode/utf8"
)

// FuzzParseExpression: the checker never panics, an error always carries a
// column inside the expression, and what it accepts obeys the rules it
// enforces.
func FuzzParseExpression(f *testing.F) {
	for _, seed := range []string{
		"avg(cpu.idle_perc{hostname=x}, 60) > 10 times 3",
		"max(x, deterministic, 120) > 1 and (min(y) < 2 || last(z) gte -1.5)",
		"test.metric{dim=this=that} > 10", "x > 1e3", "((", "max(x{a=b ,c=d}) > 1", "",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseExpression(s)
		if err != nil {
			var ee *ExpressionError
			if !errors.As(err, &ee) {
				t.Fatalf("error %v is not an *ExpressionError", err)
			}
			if ee.Column < 1 || ee.Column > utf8.RuneCountInString(s)+1 {
				t.Fatalf("column %d outside %q", ee.Column, s)
			}
			return
		}
		if len(e.Subs) == 0 {
			t.Fatalf("%q accepted with no sub-expression", s)
		}
		for _, sub := range e.Subs {
			if sub.Period <= 0 || sub.Period%60 != 0 || sub.Periods < 1 || sub.Metric == "" {
				t.Fatalf("%q accepted with %+v", s, sub)
			}
		}
	})
}
