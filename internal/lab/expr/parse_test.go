package expr

import (
	"errors"
	"maps"
	"strings"
	"testing"
)

func TestParseSubExpressions(t *testing.T) {
	type sub = SubExpression
	d := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		in   string
		want []sub
	}{
		{"avg(cpu.idle_perc{hostname=x}, 60) > 10 times 3",
			[]sub{{"AVG", "cpu.idle_perc", d("hostname", "x"), OpGT, 10, 60, 3, false}}},
		{"cpu.idle_perc > 10", []sub{{"MAX", "cpu.idle_perc", d(), OpGT, 10, 60, 1, false}}},
		{"cpu.idle_perc >= 10", []sub{{"MAX", "cpu.idle_perc", d(), OpGTE, 10, 60, 1, false}}},
		{"cpu.idle_perc < 10", []sub{{"MIN", "cpu.idle_perc", d(), OpLT, 10, 60, 1, false}}},
		{"cpu.idle_perc lte 10", []sub{{"MIN", "cpu.idle_perc", d(), OpLTE, 10, 60, 1, false}}},
		{"MAX(x) GT 5 TIMES 2", []sub{{"MAX", "x", d(), OpGT, 5, 60, 2, false}}},
		{"Count(x) GtE -1.5", []sub{{"COUNT", "x", d(), OpGTE, -1.5, 60, 1, false}}},
		{"sum(x) lt 0", []sub{{"SUM", "x", d(), OpLT, 0, 60, 1, false}}},
		{"last(test_metric{hold=here}) < 13", []sub{{"LAST", "test_metric", d("hold", "here"), OpLT, 13, 60, 1, false}}},
		{"last(x) > 14 times 3", []sub{{"LAST", "x", d(), OpGT, 14, 60, 3, false}}},
		{"avg(m, deterministic, 120) > 1", []sub{{"AVG", "m", d(), OpGT, 1, 120, 1, true}}},
		{"count(log.error{test=1}, deterministic) > 1.0", []sub{{"COUNT", "log.error", d("test", "1"), OpGT, 1, 60, 1, true}}},
		{"max(foo{}) > 1", []sub{{"MAX", "foo", d(), OpGT, 1, 60, 1, false}}},
		// Every non-space BMP character above 127 is an identifier
		// character upstream, U+FFFD and U+FFFF included.
		{"max(m\uFFFD{k\uFFFF=v\u00e9}) > 1", []sub{{"MAX", "m\uFFFD", d("k\uFFFF", "v\u00e9"), OpGT, 1, 60, 1, false}}},
		{"max(foo{ }) > 1", []sub{{"MAX", "foo", d(), OpGT, 1, 60, 1, false}}},
		{"test_metric{this=that, that =  this} < 1",
			[]sub{{"MIN", "test_metric", d("this", "that", "that ", "this"), OpLT, 1, 60, 1, false}}},
		{"max(cpu{hostname = my host}) > 1", []sub{{"MAX", "cpu", d("hostname ", "my host"), OpGT, 1, 60, 1, false}}},
		{"max  (  3test_metric5  {  this  =  that  })  lt  5 times    3",
			[]sub{{"MAX", "3test_metric5", d("this  ", "that  "), OpLT, 5, 60, 3, false}}},
		{"max(3test_metric5{it's this=that's it}) lt 5 times 3",
			[]sub{{"MAX", "3test_metric5", d("it's this", "that's it"), OpLT, 5, 60, 3, false}}},
		{"max(http_status{url=https://www.google.com}) > 0",
			[]sub{{"MAX", "http_status", d("url", "https://www.google.com"), OpGT, 0, 60, 1, false}}},
		{"max(foo{hostname=mini-mon,千=千}, 120) > 100 and (max(bar)>100  or max(biz)>100)",
			[]sub{
				{"MAX", "foo", d("hostname", "mini-mon", "千", "千"), OpGT, 100, 120, 1, false},
				{"MAX", "bar", d(), OpGT, 100, 60, 1, false},
				{"MAX", "biz", d(), OpGT, 100, 60, 1, false},
			}},
		{"max(-_.千幸福的笑脸{घोड़ा=馬,  dn2=dv2,千幸福的笑脸घ=千幸福的笑脸घ}) gte 100 times 3 && " +
			"(min(ເຮືອນ{dn3=dv3,家=дом}) < 10 or sum(biz{dn5=dv5}) >99 and count(fizzle) lt 0or count(baz) > 1)",
			[]sub{
				{"MAX", "-_.千幸福的笑脸", d("घोड़ा", "馬", "dn2", "dv2", "千幸福的笑脸घ", "千幸福的笑脸घ"), OpGTE, 100, 60, 3, false},
				{"MIN", "ເຮືອນ", d("dn3", "dv3", "家", "дом"), OpLT, 10, 60, 1, false},
				{"SUM", "biz", d("dn5", "dv5"), OpGT, 99, 60, 1, false},
				{"COUNT", "fizzle", d(), OpLT, 0, 60, 1, false},
				{"COUNT", "baz", d(), OpGT, 1, 60, 1, false},
			}},
		{"ntp.offset > 1 or ntp.offset < -5",
			[]sub{{"MAX", "ntp.offset", d(), OpGT, 1, 60, 1, false}, {"MIN", "ntp.offset", d(), OpLT, -5, 60, 1, false}}},
		{"a > - 5 . 25", []sub{{"MAX", "a", d(), OpGT, -5.25, 60, 1, false}}},
		{"a>1&&b<2", []sub{{"MAX", "a", d(), OpGT, 1, 60, 1, false}, {"MIN", "b", d(), OpLT, 2, 60, 1, false}}},
		{"a&&b > 1", []sub{{"MAX", "a&&b", d(), OpGT, 1, 60, 1, false}}},
		{"max > 1", []sub{{"MAX", "max", d(), OpGT, 1, 60, 1, false}}},
		{"maxfoo > 1", []sub{{"MAX", "maxfoo", d(), OpGT, 1, 60, 1, false}}},
		{"x > 1 times 1", []sub{{"MAX", "x", d(), OpGT, 1, 60, 1, false}}},
		{"max(x, 060) > 1", []sub{{"MAX", "x", d(), OpGT, 1, 60, 1, false}}},
		{"max(x{a=b\tc}) > 1", []sub{{"MAX", "x", d("a", "b       c"), OpGT, 1, 60, 1, false}}},
		{strings.Repeat("m", 255) + " > 1", []sub{{"MAX", strings.Repeat("m", 255), d(), OpGT, 1, 60, 1, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := e.SubExpressions()
			if len(got) != len(tt.want) {
				t.Fatalf("got %d sub-expressions, want %d: %+v", len(got), len(tt.want), got)
			}
			for i := range got {
				if !equalSub(got[i], tt.want[i]) {
					t.Errorf("sub %d:\n got %+v\nwant %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func equalSub(a, b SubExpression) bool {
	return a.Function == b.Function && a.MetricName == b.MetricName && maps.Equal(a.Dimensions, b.Dimensions) &&
		a.Operator == b.Operator && a.Threshold == b.Threshold && a.Period == b.Period &&
		a.Periods == b.Periods && a.Deterministic == b.Deterministic
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in     string
		column int
		msg    string // exact when set
	}{
		{"avg(m, 0) > 1", 8, "Period must not be 0"},
		{"avg(m, 90) > 1", 8, "Period 90 must be a multiple of 60"},
		{"avg(m, deterministic, 130) > 1", 23, "Period 130 must be a multiple of 60"},
		{"x > 1 times 0", 13, "Periods 0 must be 1 or greater"},
		{"count(log.error{test=1}, deterministic) > 1.0 times 0", 53, "Periods 0 must be 1 or greater"},
		{"x > 1 and y > 2 times 0", 23, "Periods 0 must be 1 or greater"},
		{"test=metric > 10", 5, msgRelOp},
		{"foo = 10", 5, msgRelOp},
		{"foo == 10", 5, msgRelOp},
		{"test.metric{dim=this=that} > 10", 12, msgRelOp},
		{"test_metric(5) > 2", 12, msgRelOp},
		{"x > 1e3", 6, "Expected string_end"},
		{"x > 1 xor y > 2", 7, "Expected string_end"},
		{"x > 1 and", 7, "Expected string_end"},
		{"x > .5", 5, msgNumber},
		{"x > +5", 5, msgNumber},
		{"x >", 4, msgNumber},
		{"avg(m, 120, deterministic) > 1", 4, msgRelOp},
		{"", 1, msgTopStart},
		{"> 5", 1, msgTopStart},
		{"( = 1)", 3, msgNestedStart},
		{"((= 1))", 3, msgNestedStart},
		{"(x > 5", 7, "Expected ')'"},
		{"max(x) > 1 times", 12, "Expected string_end"},
		// pyparsing 3's Word(max=255) stops after 255 characters.
		{strings.Repeat("m", 256) + " > 1", 256, msgRelOp},
		{"x > 1\nand y", 1, "Expected string_end"},
		{"m\U0001F600 > 1", 2, msgRelOp}, // beyond the BMP: not an identifier character
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := Parse(tt.in)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) = %v, want *ParseError", tt.in, err)
			}
			if pe.Column != tt.column || pe.Msg != tt.msg {
				t.Errorf("got column %d %q, want column %d %q", pe.Column, pe.Msg, tt.column, tt.msg)
			}
		})
	}
}

func TestParseErrorText(t *testing.T) {
	_, err := Parse("avg(m, 90) > 1")
	want := "parser failed on expression 'avg(m, 90) > 1' at column 8: Period 90 must be a multiple of 60"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}

func TestEvaluatePrecedence(t *testing.T) {
	// a or b and c == a or (b and c); (a or b) and c groups explicitly.
	tests := []struct {
		in    string
		alarm []bool
		want  bool
	}{
		{"a > 1 or b > 1 and c > 1", []bool{true, false, false}, true},
		{"a > 1 or b > 1 and c > 1", []bool{false, true, false}, false},
		{"a > 1 or b > 1 and c > 1", []bool{false, true, true}, true},
		{"(a > 1 or b > 1) and c > 1", []bool{true, false, false}, false},
		{"(a > 1 or b > 1) and c > 1", []bool{true, false, true}, true},
		{"a > 1 AND b > 1 && c > 1", []bool{true, true, false}, false},
		{"a > 1 OR b > 1 || c > 1", []bool{false, false, true}, true},
		{"((a > 1))", []bool{true}, true},
	}
	for _, tt := range tests {
		e, err := Parse(tt.in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.in, err)
		}
		if got := e.Evaluate(tt.alarm); got != tt.want {
			t.Errorf("%q with %v = %v, want %v", tt.in, tt.alarm, got, tt.want)
		}
	}
}

func TestDeterministic(t *testing.T) {
	for in, want := range map[string]bool{
		"max(x, deterministic) > 1":                               true,
		"max(x, deterministic) > 1 and min(y, deterministic) < 1": true,
		"max(x, deterministic) > 1 and min(y) < 1":                false,
		"max(x) > 1": false,
	} {
		e, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if e.Deterministic() != want {
			t.Errorf("%q Deterministic() = %v, want %v", in, !want, want)
		}
	}
}

func TestSubExpressionString(t *testing.T) {
	tests := map[string]string{
		"avg(cpu.idle_perc{hostname=h1}) < 10":                       "avg(cpu.idle_perc{hostname=h1}) < 10.0",
		"AVG(cpu.idle_perc{service=monitoring,hostname=h1}) lt 4.25": "avg(cpu.idle_perc{hostname=h1, service=monitoring}) < 4.25",
		"max(x, deterministic, 120) gte 10 times 3":                  "max(x, deterministic, 120) >= 10.0 times 3",
		"x > 14":                    "max(x) > 14.0",
		"x <= -0.5":                 "min(x) <= -0.5",
		"count(x{}) > 0":            "count(x) > 0.0",
		"x > 100000000000000000000": "max(x) > 100000000000000000000.0",
		"x > 0.12345678901234567":   "max(x) > 0.123456789012346",
	}
	for in, want := range tests {
		e, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.SubExpressions()[0].String(); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestFormatValue(t *testing.T) {
	for v, want := range map[float64]string{
		4.25: "4.25", 20: "20.0", 0: "0.0", -3: "-3.0", 1e-5: "1.0E-5", 12345678: "1.2345678E7", 99.5: "99.5",
	} {
		if got := FormatValue(v); got != want {
			t.Errorf("FormatValue(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestExpressionStringReparses(t *testing.T) {
	in := "a > 1 or (b > 2 or c < 3) and d > 4"
	e, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	e2, err := Parse(e.String())
	if err != nil {
		t.Fatalf("re-parse of %q: %v", e.String(), err)
	}
	if e.String() != e2.String() {
		t.Errorf("%q re-formats as %q", e.String(), e2.String())
	}
	for _, alarm := range [][]bool{{false, true, false, true}, {false, false, false, true}, {true, false, false, false}} {
		if e.Evaluate(alarm) != e2.Evaluate(alarm) {
			t.Errorf("evaluation differs for %v", alarm)
		}
	}
}
