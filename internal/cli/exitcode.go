package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/monhook/monhook/exitcode"
)

// ExitError carries an exit code with the error that caused it. Silent
// errors have already been reported (e.g. by the check's report) and are not
// printed again.
type ExitError struct {
	Code   int
	Err    error
	Silent bool
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// usageErrorf is a usage or configuration error (exit 2).
func usageErrorf(format string, args ...any) error {
	return &ExitError{Code: exitcode.Of(exitcode.Usage), Err: fmt.Errorf(format, args...)}
}

// cannotRun wraps an error that prevented the command from running (exit 3).
func cannotRun(err error) error {
	if err == nil {
		return nil
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return err
	}
	return &ExitError{Code: exitcode.Of(exitcode.CannotRun), Err: err}
}

// errInterrupted is the cancellation cause set when SIGINT or SIGTERM arrives.
var errInterrupted = errors.New("SIGINT or SIGTERM received")

// exitCode maps any error returned by a command to its documented code
// through exitcode.Compute.
func exitCode(ctx context.Context, err error) int {
	if err == nil {
		return exitcode.Of(exitcode.Pass)
	}
	var ee *ExitError
	isExit := errors.As(err, &ee)
	switch {
	case isExit && (ee.Silent || ee.Code == exitcode.Compute(exitcode.Interrupted, true)):
		// The command computed its code knowing of the interrupt (the
		// check's report), or resources were left: that stands.
		return ee.Code
	case errors.Is(context.Cause(ctx), errInterrupted):
		// Whatever failed after SIGINT/SIGTERM (a call cut off, a login
		// abandoned) failed because of it.
		return exitcode.Of(exitcode.Interrupted)
	case isExit:
		return ee.Code
	}
	return exitcode.Of(exitcode.CannotRun)
}
