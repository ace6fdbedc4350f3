package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/monhook/monhook/exitcode"
)

// SignalWindow is how close together signals count as one. GNU timeout
// signals the child and then its whole process group, and a terminal's
// Ctrl-C reaches every process of the foreground group, so one intent can
// arrive as two signals microseconds apart; a person pressing Ctrl-C again
// takes far longer than this.
const SignalWindow = time.Second

// signalAction is what one signal asks for.
type signalAction int

const (
	// actIgnore: part of a burst already acted on.
	actIgnore signalAction = iota
	// actStop: finish up: cancel the run, tear down, report (exit 130 when
	// teardown removed everything).
	actStop
	// actAbandon: a second, deliberate press: skip or cut short teardown,
	// still write the report listing what was left (exit 4).
	actAbandon
	// actExit: a third press: exit at once, writing nothing more.
	actExit
)

// signalCounter turns signal arrival times into actions: a signal within
// SignalWindow of the last one acted on is the same press.
type signalCounter struct {
	window time.Duration
	last   time.Time
	n      int
}

func (c *signalCounter) next(now time.Time) signalAction {
	if c.n > 0 && now.Sub(c.last) < c.window {
		return actIgnore
	}
	c.n++
	c.last = now
	switch c.n {
	case 1:
		return actStop
	case 2:
		return actAbandon
	}
	return actExit
}

// signalPolicy is how watchSignals reads time and exits; tests replace
// both to drive it deterministically.
type signalPolicy struct {
	Window time.Duration
	Now    func() time.Time
	Exit   func(code int)
	ErrOut io.Writer
	// acted, when set, is told each signal's action once it is applied
	// (tests synchronise on it).
	acted func(signalAction)
}

func defaultSignalPolicy(errOut io.Writer) signalPolicy {
	return signalPolicy{Window: SignalWindow, Now: time.Now, Exit: os.Exit, ErrOut: errOut}
}

// watchSignals reads sigs until stop is called: the first signal cancels
// the returned context with errInterrupted, a second one (after the
// window) closes abandon, a third exits the process with 4 (what the run
// made may be left; its report is not written).
func watchSignals(parent context.Context, sigs <-chan os.Signal, p signalPolicy) (ctx context.Context, abandon <-chan struct{}, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ab := make(chan struct{})
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		c := &signalCounter{window: p.Window}
		for {
			var sig os.Signal
			select {
			case <-done:
				return
			case sig = <-sigs:
			}
			act := c.next(p.Now())
			switch act {
			case actStop:
				fmt.Fprintf(p.ErrOut, "\nmonhook: %s received, cleaning up (press Ctrl-C again to exit without cleanup)\n", signalName(sig))
				cancel(errInterrupted)
			case actAbandon:
				fmt.Fprintf(p.ErrOut, "monhook: %s received again: stopping cleanup; what is left will be listed (once more exits at once)\n", signalName(sig))
				close(ab)
			case actExit:
				fmt.Fprintln(p.ErrOut, "monhook: exiting at once; resources may be left: run `monhook cleanup`")
				p.Exit(exitcode.Compute(exitcode.Interrupted, true))
				return
			}
			if p.acted != nil {
				p.acted(act)
			}
		}
	}()
	return ctx, ab, func() {
		close(done)
		<-finished
		cancel(nil)
	}
}

// signalName is the name operators know ("SIGTERM"), not Go's description
// ("terminated received" read as nonsense).
func signalName(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return sig.String()
}
