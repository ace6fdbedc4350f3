package cli

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams carries the command's standard streams. Commands write data to
// Out and status to ErrOut; tests swap both for buffers.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdoutTTY bool
	stderrTTY bool
	// readPassword reads a secret without echo; nil when stdin is not a
	// terminal (then nothing is ever prompted for).
	readPassword func() (string, error)
}

// System returns the process's streams with TTY detection done once.
func System() *IOStreams {
	s := &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdoutTTY: isTerminal(os.Stdout),
		stderrTTY: isTerminal(os.Stderr),
	}
	if term.IsTerminal(int(os.Stdin.Fd())) {
		s.readPassword = terminalPassword
	}
	return s
}

// TestStreams returns streams backed by buffers, for tests. Neither stream is
// a terminal unless the test says so with SetStdoutTTY/SetStderrTTY.
func TestStreams() (*IOStreams, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: &bytes.Buffer{}, Out: out, ErrOut: errOut}, out, errOut
}

// IsStdoutTTY reports whether stdout is an interactive terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether stderr is an interactive terminal (spinners
// and progress only appear then).
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetPasswordReader makes stdin behave as a terminal for password prompts
// (tests).
func (s *IOStreams) SetPasswordReader(read func() (string, error)) { s.readPassword = read }

// SetStdoutTTY overrides TTY detection for stdout (tests).
func (s *IOStreams) SetStdoutTTY(v bool) { s.stdoutTTY = v }

// SetStderrTTY overrides TTY detection for stderr (tests).
func (s *IOStreams) SetStderrTTY(v bool) { s.stderrTTY = v }

// isTerminal decides only whether to draw spinners, never what data looks
// like; TERM=dumb (editors, CI log viewers) counts as no terminal.
func isTerminal(f *os.File) bool {
	return os.Getenv("TERM") != "dumb" && term.IsTerminal(int(f.Fd()))
}
