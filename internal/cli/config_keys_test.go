package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An unknown key in the config file, at top level or in a command's
// section, is exit 2 naming the key and the file, with a suggestion for a
// near miss, before anything runs.
func TestConfigFileUnknownKeysAreUsageErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"top-level typo", "scenaro: synthetic\n", []string{`"scenaro"`, `did you mean "scenario"`}},
		{"transposed letters", "outptu: json\n", []string{`"outptu"`, `did you mean "output"`}},
		{"typo in a section", "check:\n  outptu: json\n", []string{`"check.outptu"`, `did you mean "output"`}},
		{"another command's flag in a section", "check:\n  fsync: true\n", []string{`"check.fsync"`, "monhook check"}},
		{"unknown section", "chekc:\n  scenario: synthetic\n", []string{`"chekc"`, `did you mean "check"`}},
		{"nothing alike", "colour: blue\n", []string{`"colour"`}},
		{"a section where a value belongs", "check:\n  scenario:\n    name: x\n", []string{`"check.scenario"`}},
		// Every problem at once, not one run per typo.
		{"two typos and a bad section", "outptu: json\nchekc:\n  x: 1\ncheck:\n  scenaro: synthetic\n", []string{"3 problems", `"outptu"`, `did you mean "output"`, `"chekc"`, `"check.scenaro"`, `did you mean "scenario"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(cfg, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runCLI(t, "--config", cfg, "check", "--lab", "-s", "synthetic")
			if code != 2 || stdout != "" {
				t.Fatalf("exit %d stdout %q stderr %q; want 2 before anything ran", code, stdout, stderr)
			}
			for _, w := range append(tt.want, cfg) {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %s", stderr, w)
				}
			}
		})
	}
}

func TestConfigFileKnownKeysAreAccepted(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	yaml := "output: json\nscenario: synthetic\nos-region-name: RegionOne\ncheck:\n  timeout: 2m\n  output: json\nlisten:\n  fsync: false\ncleanup:\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "--config", cfg, "scenarios"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}
