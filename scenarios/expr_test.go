package scenarios

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestCheckExpressionAcceptsMonascaGrammar(t *testing.T) {
	valid := []string{
		"avg(cpu.idle_perc{hostname=h1}) < 10",
		"avg(cpu.idle_perc{hostname=x}, 60) > 10 times 3",
		"max(x) > 14",
		"max(x, deterministic) > 14",
		"avg(m, deterministic, 120) > 1",
		"last(x) > 14",
		"last(x) > 14 times 2",
		"cpu.idle_perc > 10",
		"MAX(x) GT 5",
		"x lte 5",
		"x gte -5.25",
		"x > 0",
		"max(x{}) > 1",
		"max(x) > 1 and min(y) < 2 or avg(z) >= 3",
		"max(x) > 1 && (min(y) < 2 || count(z) <= 3)",
		"(max(x) > 1)",
		"max(x) > 1 AND max(y) > 1 OR max(z) > 1",
		"max(x{url=https://www.google.com}) > 1",
		"max(x{service=my service, hostname=h1}) > 1",
		"max(x{ hostname= h1}) > 1",
		"sum(http.status{component=api,hostname=ctl-01.example.org}, 300) >= 1 times 2",
		"max ( x ) > 1",
		"max(x{hostname=h1}) > 50 TIMES 1",
		"max(métrique{hôte=ü}) > 1",
	}
	for _, expr := range valid {
		if err := CheckExpression(expr); err != nil {
			t.Errorf("CheckExpression(%q) = %v, want nil", expr, err)
		}
	}
}

func TestCheckExpressionRejectsWithColumn(t *testing.T) {
	tests := []struct {
		expr   string
		column int
		msg    string
	}{
		{"", 1, "expected a metric name"},
		{"test=metric > 10", 5, "no '=' operator"},
		{"max(x) = 10", 8, "no '=' operator"},
		{"max(x) == 10", 8, "no '=' operator"},
		{"test.metric{dim=this=that} > 10", 21, "second '='"},
		{"test_metric(5) > 2", 1, "unknown function"},
		{"median(x) > 2", 1, "unknown function"},
		{"max(x) > 1e3", 10, "plain decimal"},
		{"max(x) > .5", 10, "plain decimal"},
		{"max(x) > +5", 10, "plain decimal"},
		{"max(x) > 5.", 10, "plain decimal"},
		{"max(x) >", 9, "plain decimal"},
		{"max(x) > 5 xor max(y) > 1", 12, "expected 'and', 'or'"},
		{"max(x, 0) > 5", 8, "Period must not be 0"},
		{"max(x, 90) > 5", 8, "Period 90 must be a multiple of 60"},
		{"avg(m, 120, deterministic) > 1", 13, "'deterministic' must come before the period"},
		{"avg(m, fast) > 1", 8, "expected 'deterministic' or a period"},
		{"max(x) > 5 times 0", 18, "Periods 0 must be 1 or greater"},
		{"max(x) > 5 times", 17, "number of periods"},
		{"max(x{hostname = h1}) > 5", 15, "space after the dimension name"},
		{"max(x{hostname=h1 ,a=b}) > 5", 18, "space after the value"},
		{"max(x{hostname=}) > 5", 16, "expected the value"},
		{"max(x{=h1}) > 5", 7, "expected the dimension name"},
		{"max(x{a=1,a=2}) > 5", 11, "given twice"},
		{"max(x{a=1) > 5", 10, "expected ',' or '}'"},
		{"max(x > 5", 7, "expected ',' or ')'"},
		{"(max(x) > 5", 12, "expected ')' to close the '(' at column 1"},
		{"max(x) > 5 and", 15, "expected a metric name"},
		{"max(x) 5", 8, "comparison operator"},
		{"max() > 5", 5, "expected a metric name"},
		{"max(" + strings.Repeat("m", 256) + ") > 5", 5, "at most 255"},
	}
	for _, tt := range tests {
		err := CheckExpression(tt.expr)
		var ee *ExpressionError
		if !errors.As(err, &ee) {
			t.Errorf("CheckExpression(%q) = %v, want *ExpressionError", tt.expr, err)
			continue
		}
		if ee.Column != tt.column || !strings.Contains(ee.Msg, tt.msg) {
			t.Errorf("CheckExpression(%q) = column %d %q, want column %d containing %q", tt.expr, ee.Column, ee.Msg, tt.column, tt.msg)
		}
	}
}

func TestParseExpressionFillsMonascaDefaults(t *testing.T) {
	e, err := ParseExpression("cpu.idle_perc{hostname=h1} < 10 or avg(m, deterministic, 120) gte 2.5 times 3")
	if err != nil {
		t.Fatal(err)
	}
	want := []SubExpression{
		{Function: "min", Metric: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "h1"},
			Operator: "<", Threshold: 10, Period: 60, Periods: 1, Column: 1},
		{Function: "avg", Metric: "m", Operator: ">=", Threshold: 2.5, Period: 120, Periods: 3,
			Deterministic: true, Column: 36},
	}
	if !reflect.DeepEqual(e.Subs, want) {
		t.Fatalf("subs = %+v\nwant   %+v", e.Subs, want)
	}
	if e.Deterministic() {
		t.Error("Deterministic() = true with a non-deterministic sub-expression")
	}
	d, _ := ParseExpression("max(x, deterministic) > 1 and min(y, deterministic) < 1")
	if !d.Deterministic() {
		t.Error("Deterministic() = false although every sub-expression is deterministic")
	}
}

func TestExpressionErrorMessageNamesColumn(t *testing.T) {
	err := CheckExpression("max(x) = 10")
	if got := err.Error(); !strings.HasPrefix(got, "column 8: ") {
		t.Fatalf("Error() = %q, want it to start with the column", got)
	}
}

func BenchmarkCheckExpression(b *testing.B) {
	expr := "avg(cpu.idle_perc{hostname=ctl-01,service=monitoring}, deterministic, 120) > 10 times 3 and max(x{a=b}) < 5"
	for b.Loop() {
		if err := CheckExpression(expr); err != nil {
			b.Fatal(err)
		}
	}
}

func TestWithoutDeterministic(t *testing.T) {
	for in, want := range map[string]string{
		"max(monhook.synthetic{monhook_run=ab12}, deterministic) > 50":      "max(monhook.synthetic{monhook_run=ab12}) > 50",
		"avg(m{a=b},DETERMINISTIC , 120) > 1 and max(n, deterministic) < 2": "avg(m{a=b}, 120) > 1 and max(n) < 2",
		"max(m{deterministic=deterministic}) > 1":                           "max(m{deterministic=deterministic}) > 1",
		"max(m) > 1": "max(m) > 1",
	} {
		got := WithoutDeterministic(in)
		if got != want {
			t.Errorf("WithoutDeterministic(%q) = %q, want %q", in, got, want)
		}
		parsed, err := ParseExpression(got)
		if err != nil {
			t.Errorf("%q does not parse: %v", got, err)
		} else if parsed.Deterministic() {
			t.Errorf("%q is still deterministic", got)
		}
	}
}
