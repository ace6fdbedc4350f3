package cli

import (
	"fmt"
	"os"

	"golang.org/x/term"
)

// passwordPrompt returns the password prompt the openstack CLI gives when a
// user has no password: only when stdin is a terminal (a script must never
// hang on a prompt), on stderr, without echo. Nil otherwise.
func (s *IOStreams) passwordPrompt() func(user, authURL string) (string, error) {
	if s.readPassword == nil {
		return nil
	}
	return func(user, authURL string) (string, error) {
		fmt.Fprintf(s.ErrOut, "Password for %s at %s: ", user, authURL)
		pw, err := s.readPassword()
		fmt.Fprintln(s.ErrOut) // the user's Enter was not echoed
		return pw, err
	}
}

// terminalPassword reads a line from the terminal on stdin without echo.
func terminalPassword() (string, error) {
	b, err := term.ReadPassword(int(os.Stdin.Fd()))
	return string(b), err
}
