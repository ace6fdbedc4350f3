package cli

import (
	"context"
	"github.com/monhook/monhook/exitcode"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/lab/model"
)

// complete runs cobra's __complete for args and returns the offered values.
func complete(t *testing.T, args ...string) []string {
	t.Helper()
	code, out, errOut := runCLI(t, append([]string{"__complete"}, args...)...)
	if code != 0 {
		t.Fatalf("__complete %q: exit %d %s", args, code, errOut)
	}
	var values []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, ":") {
			break
		}
		name, _, _ := strings.Cut(line, "\t")
		values = append(values, name)
	}
	return values
}

func TestCompletionOffersFlagValues(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"check", "-o", ""}, []string{"table", "json", "yaml"}},
		{[]string{"check", "--scenario", ""}, []string{"cpu-idle", "synthetic", "ok-cycle", "api-state", "periodic", "retry"}},
		{[]string{"check", "--lab", "--lab-hosts", "2", "--hostname", ""}, []string{"lab-compute-1", "lab-compute-2"}},
		{[]string{"send", "http://h/", "--state", ""}, []string{"ALARM", "OK", "UNDETERMINED"}},
		{[]string{"send", "http://h/", "--origin", ""}, []string{"thresh", "api"}},
		{[]string{"listen", "--attach-on", ""}, []string{"alarm", "ok", "undetermined"}},
		{[]string{"cleanup", "--os-interface", ""}, []string{"public", "internal", "admin"}},
	} {
		if got := complete(t, tc.args...); strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("complete %q = %v, want %v", tc.args, got, tc.want)
		}
	}
}

func TestCompletionOfOSCloudReadsCloudsYAML(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "clouds.yaml")
	if err := os.WriteFile(path, []byte("clouds:\n  prod: {}\n  lab: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OS_CLIENT_CONFIG_FILE", path)
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Chdir(dir)
	if got := complete(t, "check", "--os-cloud", ""); strings.Join(got, " ") != "lab prod" {
		t.Errorf("--os-cloud completes %v, want lab prod", got)
	}
}

// TestCompletionOfHostnameAsksMonasca: without --lab, the hosts are those
// reporting cpu.idle_perc to the cloud the OS_* environment names.
func TestCompletionOfHostnameAsksMonasca(t *testing.T) {
	l := lab.New(lab.Options{Hosts: 2})
	events, cancel := l.Bus().Subscribe()
	defer cancel()
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for ev := range events {
		if _, ok := ev.(model.MetricsReceived); ok {
			break
		}
	}
	u := labEnvWithoutPassword(t, l)
	t.Setenv("OS_PASSWORD", u.Password)
	if got := complete(t, "check", "--hostname", ""); strings.Join(got, " ") != "lab-compute-1 lab-compute-2" {
		t.Errorf("--hostname completes %v", got)
	}
}

func TestMisspeltFlagsAndScenariosGetSuggestions(t *testing.T) {
	code, _, errOut := runCLI(t, "check", "--scenaro", "synthetic")
	if code != exitcode.Of(exitcode.Usage) || !strings.Contains(errOut, "unknown flag: --scenaro\nDid you mean --scenario?") {
		t.Errorf("misspelt flag: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "check", "--lab", "--scenario", "ok-cylce")
	if code != exitcode.Of(exitcode.Usage) || !strings.Contains(errOut, "Did you mean ok-cycle?") {
		t.Errorf("misspelt scenario: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "listen", "--fullbody")
	if code != exitcode.Of(exitcode.Usage) || strings.Contains(errOut, "Did you mean") {
		t.Errorf("nothing close: exit %d, stderr %q (no suggestion wanted)", code, errOut)
	}
}

func TestSuggestions(t *testing.T) {
	names := []string{"scenario", "scenario-file", "speed", "save"}
	if got := suggestions("scenaro", names); len(got) == 0 || got[0] != "scenario" {
		t.Errorf("suggestions(scenaro) = %v", got)
	}
	if got := suggestions("sav", names); len(got) == 0 || got[0] != "save" {
		t.Errorf("suggestions(sav) = %v", got)
	}
	if got := suggestions("xyzzy", names); len(got) != 0 {
		t.Errorf("suggestions(xyzzy) = %v, want none", got)
	}
}
