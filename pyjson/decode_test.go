package pyjson

import (
	"errors"
	"strings"
	"testing"
)

// The want column is repr(json.loads(in)) from CPython 3.11, so decoding
// and Repr are checked together.
func TestDecodeMatchesJSONLoads(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"a":1,"b":"x'y","c":[1.5,null,true],"a":2}`, `{'a': 2, 'b': "x'y", 'c': [1.5, None, True]}`},
		{`"tab\t\u0000\u00e9\u00a0\u2028\ud83d\ude00"`, `'tab\t\x00é\xa0\u2028😀'`},
		{`"it's \"q\""`, `'it\'s "q"'`},
		{`1e400`, `inf`},
		{`-0`, `0`},
		{`-0.0`, `-0.0`},
		{`12345678901234567890`, `12345678901234567890`},
		{` [NaN, -Infinity, Infinity] `, `[nan, -inf, inf]`},
		{`1E2`, `100.0`},
		{`{}`, `{}`},
		{`"\/"`, `'/'`},
	}
	for _, c := range cases {
		v, err := Decode([]byte(c.in))
		if err != nil {
			t.Errorf("Decode(%s): %v", c.in, err)
			continue
		}
		if got := Repr(v); got != c.want {
			t.Errorf("repr(Decode(%s)) = %s, want %s", c.in, got, c.want)
		}
	}
}

// Each of these makes json.loads (or the UTF-8 decode before it) raise.
func TestDecodeRejectsWhatJSONLoadsRejects(t *testing.T) {
	for _, in := range []string{
		``, ` `, `01`, `1.`, `.5`, `+1`, `-`, `1e`, `[1,]`, `{"a":1,}`, `{'a':1}`, `nan`, `-NaN`,
		`"\x"`, `"\u12"`, "\"a\tb\"", `[1] [2]`, "\xff", "\"\xc3\x28\"", "\xef\xbb\xbf{}", `{"a" 1}`, `tru`,
	} {
		if v, err := Decode([]byte(in)); err == nil {
			t.Errorf("Decode(%q) = %s, want an error", in, Repr(v))
		}
	}
}

func TestDecodeLoneSurrogate(t *testing.T) {
	for _, in := range []string{`"\ud800"`, `"\udc00"`, `"\ud800\u0041"`, `"\ud800x"`} {
		if _, err := Decode([]byte(in)); !errors.Is(err, ErrLoneSurrogate) {
			t.Errorf("Decode(%s) error = %v, want ErrLoneSurrogate", in, err)
		}
	}
}

func TestDecodeIntDigitLimit(t *testing.T) {
	ok := make([]byte, 4300)
	for i := range ok {
		ok[i] = '7'
	}
	if _, err := Decode(ok); err != nil {
		t.Errorf("4300 digits: %v", err)
	}
	if _, err := Decode(append(ok, '7')); err == nil {
		t.Error("4301 digits accepted; CPython refuses them")
	}
}

// FuzzDecodeMarshal: whatever Decode accepts, Marshal writes and Decode
// reads back to the same value.
func FuzzDecodeMarshal(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,"é",null,true]}`, `[NaN]`, `"\ud83d\ude00"`, `1e400`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Decode(data)
		if err != nil {
			return
		}
		out, err := Marshal(v)
		if err != nil {
			t.Fatalf("Marshal(%s): %v", Repr(v), err)
		}
		w, err := Decode(out)
		if err != nil {
			t.Fatalf("Decode(Marshal) = %v on %s", err, out)
		}
		if Repr(v) != Repr(w) {
			t.Fatalf("round trip: %s != %s", Repr(v), Repr(w))
		}
	})
}

func TestDecodeNestingLimit(t *testing.T) {
	nest := func(n int) []byte {
		return []byte(strings.Repeat("[", n) + strings.Repeat("]", n))
	}
	if _, err := Decode(nest(5000)); err != nil {
		t.Errorf("5000 levels: %v (CPython 3.13 reads them)", err)
	}
	if _, err := Decode(nest(20000)); err == nil {
		t.Error("20000 levels accepted; CPython refuses them")
	}
}

// After a member or an element json.loads wants ',' or the closing bracket;
// anything else, or the end, is "Expecting ',' delimiter" at that character
// (json.loads('[1 2]'): char 3).
func TestDecodeWantsADelimiterAfterEachMemberAndElement(t *testing.T) {
	for in, offset := range map[string]int{`[1 2]`: 3, `[1`: 2, `[1 }`: 3, `{"a":1 "b":2}`: 7, `{"a":1`: 6, `{"a":1]`: 6, `[[1] , 2 3]`: 9} {
		_, err := Decode([]byte(in))
		var se *SyntaxError
		if !errors.As(err, &se) || se.Msg != "expecting ',' delimiter" || se.Offset != offset {
			t.Errorf("Decode(%q) = %v, want \"expecting ',' delimiter\" at byte %d", in, err, offset)
		}
	}
	for _, in := range []string{`[1, 2]`, `{"a":1 , "b":[2 ,3]}`, `[]`, `{}`, `[{}, []]`} {
		if _, err := Decode([]byte(in)); err != nil {
			t.Errorf("Decode(%q) = %v", in, err)
		}
	}
}
