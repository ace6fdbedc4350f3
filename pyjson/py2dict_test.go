package pyjson

import (
	"slices"
	"testing"
)

// Known CPython 2.7 (64-bit) values: hash("a") is 12416037344, and
// {'a': 1, 'b': 2, 'c': 3} iterates a, c, b.
func TestPy2HashAndDictOrder(t *testing.T) {
	if h := Py2Hash("a", false); h != 12416037344 {
		t.Fatalf("hash(a) = %d", h)
	}
	if got := Py2DictOrder([]string{"a", "b", "c"}, 3, false); !slices.Equal(got, []string{"a", "c", "b"}) {
		t.Fatalf("order %v", got)
	}
	// A resize re-inserts in table order: nine keys from empty grow the
	// table twice (at 6 to 32 slots); the result is a permutation.
	keys := []string{"k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9"}
	got := Py2DictOrder(keys, 0, true)
	if len(got) != len(keys) {
		t.Fatalf("lost keys: %v", got)
	}
	if Py2Hash("", false) != 0 {
		t.Fatal("hash of the empty string is 0")
	}
}
