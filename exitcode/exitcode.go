// Package exitcode is monhook's one mapping from how a command ended to its
// exit status (DESIGN.md, "Exit codes"). check, cleanup, listen and lab say
// what happened as a Result; only Compute turns that into a number.
package exitcode

// Result is how a command's run ended, before resources are counted.
type Result int

const (
	// Pass: the command did its job (for check: every expected delivery
	// arrived and matched).
	Pass Result = iota
	// Fail: the check ran and failed (a delivery missing, late or wrong).
	Fail
	// Usage: a usage or configuration error, found before anything ran.
	Usage
	// CannotRun: auth, preflight, API or network error.
	CannotRun
	// Interrupted: SIGINT or SIGTERM ended the run.
	Interrupted
)

// Compute is the exit status for result; leaked says teardown or cleanup
// left resources in Monasca, which outranks every result: an interrupted
// run exits 130 only when its teardown ran and removed everything, and 4
// when teardown was skipped or cut short (a second, later Ctrl-C), so a
// script never reads "interrupted" where something was left behind.
func Compute(result Result, leaked bool) int {
	switch {
	case leaked:
		return 4
	case result == Interrupted:
		return 130
	case result == Fail:
		return 1
	case result == Usage:
		return 2
	case result == CannotRun:
		return 3
	default:
		return 0
	}
}

// Of is Compute(result, false): the status of a command that created
// nothing, or removed all it created.
func Of(result Result) int { return Compute(result, false) }

// Help is the exit status table of `monhook --help` and `monhook check --help`.
const Help = `
Exit status:
  0    every expected delivery arrived and matched, teardown clean
  1    the check ran and failed: a delivery missing, late or wrong, or
       --timeout ran out first, in whichever stage (send: a send was not
       delivered)
  2    usage or configuration error, found before anything is created
  3    could not run: auth, preflight or API error
  4    resources were left behind: teardown (or cleanup) could not delete them,
       or was skipped or cut short by a second interrupt; they are listed
  130  interrupted, and teardown ran and removed everything
listen, lab and serve exit 0 when stopped by SIGINT or SIGTERM.
`
