// Package labtesting holds the small helpers the lab's own package tests
// share. It imports nothing from the lab, so any lab package (store, agents,
// api) can use it in its tests; internal/labtest, which starts a whole lab,
// cannot be imported from the packages the lab is built of.
package labtesting

import (
	"testing"
	"time"
)

// RecvLimit bounds every wait in Recv: generous, since only a broken
// component should reach it.
const RecvLimit = 10 * time.Second

// Recv takes the next value from ch, failing the test (rather than hanging
// it) if none comes within RecvLimit.
func Recv[T any](t testing.TB, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(RecvLimit):
		t.Fatalf("nothing received within %v", RecvLimit)
		panic("unreachable")
	}
}
