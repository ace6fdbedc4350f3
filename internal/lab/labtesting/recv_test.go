package labtesting

import (
	"testing"
	"testing/synctest"
)

func TestRecvReturnsTheSentValue(t *testing.T) {
	ch := make(chan int, 1)
	ch <- 7
	if got := Recv(t, ch); got != 7 {
		t.Fatalf("Recv = %d, want 7", got)
	}
}

// fatalRecorder notes a Fatalf instead of ending the test, so the deadline
// path can be observed; Recv's panic after Fatalf is then recovered.
type fatalRecorder struct {
	testing.TB
	failed bool
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(string, ...any) { f.failed = true }

func TestRecvFailsInsteadOfHangingWhenNothingComes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &fatalRecorder{TB: t}
		func() {
			defer func() { _ = recover() }()
			Recv(rec, make(chan int))
		}()
		if !rec.failed {
			t.Fatal("Recv returned on an empty channel without failing")
		}
	})
}
