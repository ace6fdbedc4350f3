package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	streams, out, errOut := TestStreams()
	code = Run(context.Background(), streams, args)
	return code, out.String(), errOut.String()
}

func TestUsageErrorsExitTwoAndNameTheProblem(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--no-such-flag"}, "--no-such-flag"},
		{"unknown command", []string{"frobnicate"}, `"frobnicate"`},
		{"bad output format", []string{"version", "-o", "xml"}, `"xml" for -o/--output`},
		{"stray argument", []string{"version", "extra"}, `"extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != 2 {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, 2, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q does not name %s", stderr, tt.want)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing on a usage error", stdout)
			}
		})
	}
}

func TestErrorsAreJSONOnStderrUnderOutputJSON(t *testing.T) {
	code, _, stderr := runCLI(t, "-o", "json", "version", "extra")
	if code != 2 {
		t.Fatalf("exit code = %d", code)
	}
	if !strings.HasPrefix(stderr, `{"error":`) || !strings.Contains(stderr, `"exit_code":2`) {
		t.Errorf("stderr = %q, want one JSON error object", stderr)
	}
}

func TestConfigPrecedenceFlagOverEnvOverFile(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte("output: yaml\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, args []string, want string) {
		t.Helper()
		streams, _, _ := TestStreams()
		f := NewFactory(streams, "test")
		root := NewCmdRoot(f)
		root.SetArgs(args)
		var seen string
		for _, c := range root.Commands() {
			if c.Name() == "version" {
				c.RunE = func(cmd *cobra.Command, _ []string) error { seen = f.Global.Output; return nil }
			}
		}
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		if seen != want {
			t.Errorf("output = %q, want %q", seen, want)
		}
	}
	t.Run("file", func(t *testing.T) { check(t, []string{"--config", cfg, "version"}, "yaml") })
	t.Run("env beats file", func(t *testing.T) {
		t.Setenv("MONHOOK_OUTPUT", "json")
		check(t, []string{"--config", cfg, "version"}, "json")
	})
	t.Run("flag beats env", func(t *testing.T) {
		t.Setenv("MONHOOK_OUTPUT", "json")
		check(t, []string{"--config", cfg, "version", "-o", "table"}, "table")
	})
}

func TestBadConfigValueExitsTwoNamingTheKey(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte("debug: maybe\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "--config", cfg, "version")
	if code != 2 || !strings.Contains(stderr, `config key "debug"`) {
		t.Errorf("code %d, stderr %q: want exit 2 naming config key debug", code, stderr)
	}
	code, _, stderr = runCLI(t, "--config", filepath.Join(dir, "missing.yaml"), "version")
	if code != 2 || !strings.Contains(stderr, "missing.yaml") {
		t.Errorf("code %d, stderr %q: want exit 2 naming the missing file", code, stderr)
	}
}

func TestVersionPrintsToStdout(t *testing.T) {
	code, stdout, stderr := runCLI(t, "version")
	if code != 0 || !strings.HasPrefix(stdout, "monhook ") || stderr != "" {
		t.Errorf("code %d stdout %q stderr %q", code, stdout, stderr)
	}
}

// TestVersionHonoursOutput: -o json printed the text line, which no JSON
// reader parses.
func TestVersionHonoursOutput(t *testing.T) {
	code, stdout, _ := runCLI(t, "version", "-o", "json")
	var v struct{ Version, Go, Platform string }
	if err := json.Unmarshal([]byte(stdout), &v); code != 0 || err != nil || v.Version == "" || v.Go == "" || v.Platform == "" {
		t.Errorf("version -o json: exit %d, %v: %q", code, err, stdout)
	}
}

func TestShippedExampleConfigIsAccepted(t *testing.T) {
	code, stdout, stderr := runCLI(t, "--config", "../../configs/monhook.example.yaml", "check", "--lab", "-s", "synthetic")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
}

func TestACommandSectionDoesNotSetAFlagOfTheSameName(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte("listen:\n  save: x.jsonl\ncheck:\n  listen: 127.0.0.1:0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := checkOptionsFor(t, []string{"--config", cfg, "check"})
	if err != nil {
		t.Fatal(err)
	}
	if o.Listen != "127.0.0.1:0" {
		t.Errorf("check --listen = %q, want the check section's value", o.Listen)
	}
}

// TestBadOutputFromTheEnvironmentNamesIt: MONHOOK_OUTPUT=xml was refused
// as "-o/--output" with no hint that the value came from the environment.
func TestBadOutputFromTheEnvironmentNamesIt(t *testing.T) {
	t.Setenv("MONHOOK_OUTPUT", "xml")
	code, _, stderr := runCLI(t, "scenarios")
	if code != 2 || !strings.Contains(stderr, `"xml"`) || !strings.Contains(stderr, "MONHOOK_OUTPUT") {
		t.Errorf("exit %d, stderr %q; want 2 naming MONHOOK_OUTPUT", code, stderr)
	}
}
