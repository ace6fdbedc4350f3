package expr

import (
	"math"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"avg(cpu.idle_perc{hostname=x}, 60) > 10 times 3",
		"max(x, deterministic, 120) > 1 and (min(y{a=b c}) lt -2.5 || last(z) >= 0)",
		"max(foo{hostname=mini-mon,千=千}, 120) > 100 and (max(bar)>100  or max(biz)>100)",
		"count(fizzle) lt 0or count(baz) > 1",
		"test_metric{this=that, that =  this} < 1",
		"x > 1e3", "avg(m, 90) > 1", "(x > 1", "x > 0.12345678901234567",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(s)
		if err != nil {
			return
		}
		subs := e.SubExpressions()
		text := e.String()
		e2, err := Parse(text)
		if err != nil {
			t.Fatalf("String() %q of %q does not parse: %v", text, s, err)
		}
		subs2 := e2.SubExpressions()
		if len(subs) != len(subs2) {
			t.Fatalf("%q: %d sub-expressions, re-parse of %q has %d", s, len(subs), text, len(subs2))
		}
		for i := range subs {
			a, b := subs[i], subs2[i]
			// The threshold prints with at most 15 decimals, like Java's
			// DecimalFormat; compare it as printed.
			if FormatThreshold(a.Threshold) != FormatThreshold(b.Threshold) || math.IsNaN(b.Threshold) {
				t.Fatalf("%q: threshold %v re-parses as %v", s, a.Threshold, b.Threshold)
			}
			b.Threshold = a.Threshold
			if !equalSub(a, b) {
				t.Fatalf("%q: sub %d %+v re-parses from %q as %+v", s, i, a, text, b)
			}
		}
		if text != e2.String() {
			t.Fatalf("String() not stable: %q then %q", text, e2.String())
		}
	})
}
