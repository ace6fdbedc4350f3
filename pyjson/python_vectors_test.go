package pyjson

import (
	"encoding/json"
	"math"
	"testing"
)

// The wants below are what CPython 3.11's json.dumps printed for the same
// values (simplejson, which monasca-notification uses, writes the same):
// vectors kept from send's first encoder when the lab's became the one.

// str is Marshal of a string, for the escaping tests.
func str(t *testing.T, s string) string {
	t.Helper()
	b, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFloatReprVectors(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0.0, "0.0"}, {math.Copysign(0, -1), "-0.0"}, {1.0, "1.0"}, {-2.5, "-2.5"}, {0.1, "0.1"},
		{1e16, "1e+16"}, {1e-5, "1e-05"}, {0.0001, "0.0001"}, {0.00012345, "0.00012345"},
		{1234567890123456.0, "1234567890123456.0"}, {12345678901234567.0, "1.2345678901234568e+16"},
		{1.5e300, "1.5e+300"}, {5e-324, "5e-324"}, {1.7976931348623157e308, "1.7976931348623157e+308"},
		{100.0, "100.0"}, {1e15, "1000000000000000.0"}, {123.456, "123.456"},
		{9007199254740992.0, "9007199254740992.0"}, {3.14159e-10, "3.14159e-10"},
		{math.NaN(), "NaN"}, {math.Inf(1), "Infinity"}, {math.Inf(-1), "-Infinity"},
	} {
		b, err := Marshal(tc.in) // json.dumps: repr, or NaN/Infinity
		if got := string(b); err != nil || got != tc.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func TestStringEscapeVectors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", `""`},
		{"plain", `"plain"`},
		{"é", `"\u00e9"`},
		{"\x7f", `"\u007f"`},    // DEL is outside space..~
		{"<>&/", `"<>&/"`},      // Go's encoding/json would escape <, > and &
		{"\u2028", `"\u2028"`},  // non-ASCII
		{"😀", `"\ud83d\ude00"`}, // astral: a surrogate pair
		{"\x01\x1f", `"\u0001\u001f"`},
		{"\b\f\n\r\t", `"\b\f\n\r\t"`},
		{`"\`, `"\"\\"`},
		{"a\x00b", `"a\u0000b"`},
		{"日本", `"\u65e5\u672c"`},
		{"bad\xffutf8", `"bad\ufffdutf8"`},
	} {
		got := str(t, tc.in)
		if got != tc.want {
			t.Errorf("Marshal(%q) = %s, want %s", tc.in, got, tc.want)
		}
		var back string
		if err := json.Unmarshal([]byte(got), &back); err != nil {
			t.Errorf("Marshal(%q) = %s is not JSON: %v", tc.in, got, err)
		}
	}
}

func TestMarshalSeparatorsAndOrder(t *testing.T) {
	v := Object{
		{"k", []any{1, "x", nil, true, false, Object{}}},
		{"z", []any{}},
		{"a", map[string]string{"b": "2", "a": "1"}},
	}
	got, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"k": [1, "x", null, true, false, {}], "z": [], "a": {"a": "1", "b": "2"}}`
	if string(got) != want {
		t.Errorf("Marshal = %s\nwant    %s", got, want)
	}
}

// FuzzStringEscape: whatever the input, the output is ASCII-only JSON that
// decodes to the input (with invalid UTF-8 replaced).
func FuzzStringEscape(f *testing.F) {
	f.Add("é😀\x7f\x00")
	f.Fuzz(func(t *testing.T, s string) {
		out, err := Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range out {
			if c < 0x20 || c >= 0x7f {
				t.Fatalf("Marshal(%q) has byte %#x outside printable ASCII", s, c)
			}
		}
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("Marshal(%q) = %s: %v", s, out, err)
		}
		want := []rune(s) // decoding as runes replaces invalid bytes with U+FFFD, as we do
		if back != string(want) {
			t.Fatalf("round trip of %q gave %q", s, back)
		}
	})
}
