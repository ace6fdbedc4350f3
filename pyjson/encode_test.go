package pyjson

import (
	"math"
	"math/big"
	"testing"
)

// The want column is what CPython 3.11's json.dumps printed for the same
// value (run once by hand; see the package doc for the rules).
func TestMarshalMatchesJSONDumps(t *testing.T) {
	big1, _ := new(big.Int).SetString("12345678901234567890123", 10)
	cases := []struct {
		name string
		in   any
		want string
	}{
		{"None", nil, `null`},
		{"True", true, `true`},
		{"False", false, `false`},
		{"int zero", 0, `0`},
		{"big int", big1, `12345678901234567890123`},
		{"float one", 1.0, `1.0`},
		{"negative zero", math.Copysign(0, -1), `-0.0`},
		{"tenth", 0.1, `0.1`},
		{"1e16 goes scientific", 1e16, `1e+16`},
		{"1e15 stays positional", 1e15, `1000000000000000.0`},
		{"16 digits", 123456789012345.6, `123456789012345.6`},
		{"1e-4 positional", 1e-4, `0.0001`},
		{"1e-5 scientific", 1e-5, `1e-05`},
		{"1.5e-7", 1.5e-7, `1.5e-07`},
		{"2.5e300", 2.5e300, `2.5e+300`},
		{"smallest subnormal", 5e-324, `5e-324`},
		{"largest float", math.MaxFloat64, `1.7976931348623157e+308`},
		{"NaN", math.NaN(), `NaN`},
		{"Infinity", math.Inf(1), `Infinity`},
		{"-Infinity", math.Inf(-1), `-Infinity`},
		{"plain", "plain", `"plain"`},
		{"short escapes", "quote\" back\\ nl\n cr\r tab\t bs\b ff\f", `"quote\" back\\ nl\n cr\r tab\t bs\b ff\f"`},
		{"control and DEL", "\x00\x1f\x7f", `"\u0000\u001f\u007f"`},
		{"html characters kept", "<>&'", `"<>&'"`},
		{"BMP escapes", "é€", `"\u00e9\u20ac"`},
		{"astral surrogate pair", "😀", `"\ud83d\ude00"`},
		{"line separator", "\u2028", `"\u2028"`},
		{"empty list", []any{}, `[]`},
		{"empty dict", Object{}, `{}`},
		{"nested list", []any{1, "a", []any{2.5, nil}}, `[1, "a", [2.5, null]]`},
		{"dict keeps order", Object{{"b", 1}, {"a", []any{true, Object{{"x", "y"}}}}}, `{"b": 1, "a": [true, {"x": "y"}]}`},
		{"go map sorted", map[string]any{"b": 1, "a": "x"}, `{"a": "x", "b": 1}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Marshal(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Errorf("Marshal = %s, want %s", got, c.want)
			}
		})
	}
}

func TestMarshalStrictRefusesNonFinite(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, err := MarshalStrict(Object{{"v", []any{f}}}); err == nil {
			t.Errorf("MarshalStrict(%v) succeeded; simplejson refuses it", f)
		}
	}
	if _, err := MarshalStrict(1.5); err != nil {
		t.Errorf("MarshalStrict(1.5): %v", err)
	}
}

func TestMarshalRejectsUnknownTypes(t *testing.T) {
	if _, err := Marshal(struct{}{}); err == nil {
		t.Error("Marshal(struct{}{}) succeeded")
	}
}
