package cli

import (
	"context"
	"errors"
	"fmt"
)

// Exit codes, as documented in DESIGN.md and `monhook --help`.
const (
	ExitOK          = 0   // every expected delivery arrived and matched, teardown clean
	ExitCheckFailed = 1   // the check ran and failed
	ExitUsage       = 2   // usage or configuration error
	ExitCannotRun   = 3   // auth, preflight or API error
	ExitLeaked      = 4   // teardown left resources behind
	ExitInterrupted = 130 // interrupted (teardown still ran)
)

// exitCodesHelp is appended to the root command's help.
const exitCodesHelp = `
Exit status:
  0    every expected delivery arrived and matched, teardown clean
  1    the check ran and failed: a delivery missing, late or wrong
  2    usage or configuration error
  3    could not run: auth, preflight or API error
  4    the check passed or failed but teardown left resources behind
  130  interrupted (teardown still ran)
`

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
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
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
	return &ExitError{Code: ExitCannotRun, Err: err}
}

// errInterrupted is the cancellation cause set when SIGINT or SIGTERM arrives.
var errInterrupted = errors.New("interrupted")

// exitCode maps any error returned by a command to the documented code, in
// one place.
func exitCode(ctx context.Context, err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if errors.Is(context.Cause(ctx), errInterrupted) {
		return ExitInterrupted
	}
	return ExitCannotRun
}
