package receiver

import (
	"testing"
	"time"
)

// testWait bounds a test's wait on a goroutine or a server: a regression
// then fails naming what did not happen, instead of hanging the package
// until go test's own timeout.
const testWait = 30 * time.Second

// within receives from c, failing the test when nothing comes (and c is
// not closed) within testWait.
func within[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(testWait):
		t.Fatalf("%s: nothing within %v", what, testWait)
	}
	var zero T
	return zero
}
