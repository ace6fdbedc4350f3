package cli

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/monhook/monhook/exitcode"
)

// TestReadmeShowsEachHabitAndStaysInTheRepo: the README shows each operator
// habit once, gives install steps that work from a clone, and points at no
// file outside the repository.
func TestReadmeShowsEachHabitAndStaysInTheRepo(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, habit := range []string{
		"monhook send http", "--path /openstack/alerts", "listen --register --attach", "--full",
		"--forward-best-effort", "--os-username", "monhook help environment", "SSL_CERT_FILE=",
		"make install", "go install ./cmd/monhook", "make build && bin/monhook check --lab", "MONHOOK_SPEED", "--os-cloud` from clouds.yaml",
	} {
		if !strings.Contains(readme, habit) {
			t.Errorf("README does not show %q", habit)
		}
	}
	for _, bad := range []string{"@latest\n", `eval "$(`, "shared/reference", "go run ./cmd/monhook check"} {
		if strings.Contains(readme, bad) {
			t.Errorf("README still has %q", bad)
		}
	}
	// Every repo path the README names in backquotes exists.
	for _, m := range regexp.MustCompile("`((?:configs|e2e|internal|openstack|receiver|scenarios|check|marker|webhook|pyjson|register|output|cmd)/[^` ]*)`").FindAllStringSubmatch(readme, -1) {
		if _, err := os.Stat("../../" + strings.TrimSuffix(strings.TrimSuffix(m[1], "..."), "/")); err != nil {
			t.Errorf("README names %s, which is not in the repository", m[1])
		}
	}
}

// TestExitTwoMeansNothingWasCreated: --help and the README give exit 2 the
// same meaning, and a true one: `listen --attach NAME` exits 2 after one
// lookup call (TestListenRegisterUnknownDefinitionExitsTwoLeavingNothing),
// so the promise is that nothing was created, not that no API was called.
func TestExitTwoMeansNothingWasCreated(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const meaning = "usage or configuration error, found before anything is created"
	if !strings.Contains(string(b), "| 2 | "+meaning) {
		t.Errorf("README's exit code table does not give 2 as %q", meaning)
	}
	if !strings.Contains(exitcode.Help, "  2    "+meaning+"\n") {
		t.Errorf("exitcode.Help does not give 2 as %q:%s", meaning, exitcode.Help)
	}
}
