package check

import (
	"errors"
)

// Failure classes: an error means the check could not run (exit 3); a
// failure means Monasca did not do what the scenario expects (exit 1).
const (
	classError = iota
	classFailure
	classInterrupted
	// classUsage: the scenario needs what the API lacks, found before
	// anything was created (exit 2).
	classUsage
)

// stageError is a stage's failure with what an operator can do about it.
type stageError struct {
	stage    string
	class    int
	msg      string
	err      error
	hints    []string
	timedOut bool
	// overall: the run's --timeout (not the stage's budget) ended it, so
	// the stages after it are failed as not run rather than skipped.
	overall bool
}

func (e *stageError) Error() string {
	switch {
	case e.msg != "" && e.err != nil:
		return e.msg + ": " + e.err.Error()
	case e.msg != "":
		return e.msg
	case e.err != nil:
		return e.err.Error()
	}
	return "failed"
}

func (e *stageError) Unwrap() error { return e.err }

// cannotRun is an API, auth or configuration problem (exit 3).
func cannotRun(err error, msg string, hints ...string) error {
	return &stageError{class: classError, err: err, msg: msg, hints: hints}
}

// refused is a scenario this API cannot run, found before anything is
// created (exit 2).
func refused(err error, hints ...string) error {
	return &stageError{class: classUsage, err: err, hints: hints}
}

// failed is Monasca not doing what the scenario expects (exit 1).
func failed(msg string, hints ...string) error {
	return &stageError{class: classFailure, msg: msg, hints: hints}
}

func asStageError(err error) *stageError {
	var se *stageError
	if errors.As(err, &se) {
		return se
	}
	return &stageError{class: classError, err: err}
}
