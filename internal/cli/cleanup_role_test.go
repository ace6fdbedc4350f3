package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/check"
	"github.com/monhook/monhook/exitcode"
	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/labtest"
	"github.com/monhook/monhook/openstack"
)

// TestCleanupAsReadOnlyUserGivesCheckRoleHint: a monasca-read-only-user
// gets the role hint check gives, once, and an 80-column table, instead of
// a 400-column "Successfully re-authenticated, but got error" cell per
// resource.
func TestCleanupAsReadOnlyUserGivesCheckRoleHint(t *testing.T) {
	l := labtest.Start(t, lab.Options{Hosts: -1})
	s, err := labSession(t, l)(context.Background(), openstack.AuthFlags{})
	if err != nil {
		t.Fatal(err)
	}
	seedLeftovers(t, s.Monitoring, time.Now())

	labEnvWithoutPassword(t, l)
	reader, ok := l.User("labreader")
	if !ok {
		t.Fatal("no labreader in the lab")
	}
	t.Setenv("OS_USERNAME", reader.Name)
	t.Setenv("OS_PASSWORD", reader.Password)
	t.Setenv("COLUMNS", "80")

	code, out, errOut := runCLI(t, "cleanup")
	if code != exitcode.Of(exitcode.CannotRun) {
		t.Errorf("exit %d, want 3 (could not run: no write role)\n%s\n%s", code, out, errOut)
	}
	hint := strings.Join(strings.Fields(check.HintRole), " ")
	if got := strings.Join(strings.Fields(strings.ReplaceAll(errOut, "\n  ", " ")), " "); !strings.Contains(got, hint) {
		t.Errorf("stderr %q lacks check's role hint %q", errOut, check.HintRole)
	}
	if strings.Contains(out+errOut, "re-authenticated") {
		t.Errorf("raw gophercloud error shown:\n%s\n%s", out, errOut)
	}
	for _, line := range strings.Split(out+errOut, "\n") {
		if n := len([]rune(line)); n > 80 {
			t.Errorf("a line of %d columns: %q", n, line)
		}
	}
	if flat := strings.Join(strings.Fields(strings.ReplaceAll(out, "│", " ")), " "); strings.Count(flat, "not attempted") != 4 && strings.Count(out, "attempted") != 4 {
		t.Errorf("table %q: want each leftover marked not attempted", out)
	}
	// Nothing was deleted.
	if code, found := runCleanup(t, l, "--dry-run"); code != 0 || len(found) != 4 {
		t.Errorf("after the refused cleanup: exit %d, %d leftovers, want 4", code, len(found))
	}
}

// TestScenariosTableFits80Columns: `monhook scenarios` was 160 wide.
func TestScenariosTableFits80Columns(t *testing.T) {
	t.Setenv("COLUMNS", "80")
	code, out, _ := runCLI(t, "scenarios")
	if code != 0 {
		t.Fatal(code)
	}
	for _, line := range strings.Split(out, "\n") {
		if n := len([]rune(line)); n > 80 {
			t.Errorf("a line of %d columns: %q", n, line)
		}
	}
	code, out, _ = runCLI(t, "scenarios", "-o", "json")
	if code != 0 || !strings.Contains(out, "ok_actions") && !strings.Contains(out, "\"proves\"") {
		t.Errorf("-o json keeps the full texts: %s", out)
	}
}
