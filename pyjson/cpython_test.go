package pyjson

import (
	"testing"

	"github.com/monhook/monhook/internal/jsonlcases"
)

// TestMatchesCPython replays testdata/cpython.jsonl: generated texts with
// what CPython 3.11 made of them: repr(json.loads(s)) and json.dumps of
// that value ("r" and "d"), or null where json.loads raised.
func TestMatchesCPython(t *testing.T) {
	type cpythonCase struct {
		S string
		R *string
		D string
	}
	cases := jsonlcases.Load[cpythonCase](t, "testdata/cpython.jsonl")
	for _, c := range cases {
		v, err := Decode([]byte(c.S))
		if c.R == nil {
			if err == nil {
				t.Errorf("Decode(%q) = %s; json.loads raises", c.S, Repr(v))
			}
			continue
		}
		if err != nil {
			t.Errorf("Decode(%q): %v; json.loads gives %s", c.S, err, *c.R)
			continue
		}
		if got := Repr(v); got != *c.R {
			t.Errorf("Repr(Decode(%q)) = %s, CPython %s", c.S, got, *c.R)
		}
		if got, err := Marshal(v); err != nil || string(got) != c.D {
			t.Errorf("Marshal(Decode(%q)) = %s %v, json.dumps %s", c.S, got, err, c.D)
		}
	}
	if len(cases) < 1000 {
		t.Fatalf("only %d cases", len(cases))
	}
}
