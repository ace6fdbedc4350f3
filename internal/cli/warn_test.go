package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Options that do nothing in the chosen combination are named on stderr,
// so nobody believes they took effect; the run itself goes on.
func TestIneffectiveOptionsWarn(t *testing.T) {
	capture := func(args ...string) string {
		t.Helper()
		streams, _, errOut := TestStreams()
		f := NewFactory(streams, "test")
		root := NewCmdRoot(f)
		replaceCommand(root, NewCmdCheck(f, func(context.Context, *checkOptions) error { return nil }))
		replaceCommand(root, NewCmdLab(f, func(context.Context, *labOptions) error { return nil }))
		replaceCommand(root, NewCmdListen(f, func(context.Context, *listenOptions) error { return nil }))
		replaceCommand(root, NewCmdSend(f, func(context.Context, *sendOptions) error { return nil }))
		replaceCommand(root, NewCmdServe(f, func(context.Context, *serveOptions) error { return nil }))
		root.SetArgs(args)
		root.SetOut(io.Discard)
		if _, err := root.ExecuteC(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return errOut.String()
	}
	tests := []struct {
		args []string
		want string // "" means no warning
	}{
		{[]string{"check", "--lab", "--lab-hosts", "5"}, ""},
		{[]string{"check", "--lab", "--lab-no-notifier"}, ""},
		{[]string{"serve", "--lab", "--lab-agents-project", "service"}, ""},
		{[]string{"check", "--lab", "--os-cloud", "prod", "--monasca-api-url", "http://m/v2.0"}, "--monasca-api-url, --os-cloud ignored with --lab"},
		{[]string{"check", "--os-cloud", "prod"}, ""},
		{[]string{"check", "--lab", "--os-username", "u", "--os-password", "p"}, "--os-password, --os-username ignored with --lab"},
		{[]string{"lab", "--keystone-url", "http://ks/v3", "--token-ttl", "5m"}, "--token-ttl has no effect with --keystone-url"},
		{[]string{"lab", "--token-ttl", "5m"}, ""},
		{[]string{"listen", "--callback-url", "http://h:1", "--route-to", "m:8070"}, "--route-to has no effect with --callback-url"},
		{[]string{"listen", "--route-to", "m:8070"}, ""},
		{[]string{"send", "http://h/x", "--every", "60s", "--repeat", "3"}, ""},
		{[]string{"send", "http://h/x", "--retry-interval", "1s", "--retries", "2"}, ""},
		{[]string{"send", "http://h/x", "--old-state", "ALARM"}, "--state and --old-state are both ALARM"},
		{[]string{"send", "http://h/x", "--state", "OK", "--old-state", "ALARM"}, ""},
		{[]string{"lab", "-o", "json"}, "-o json has no effect on lab"},
		{[]string{"-o", "yaml", "serve"}, "-o yaml has no effect on serve"},
		{[]string{"lab", "-o", "table"}, ""},
		{[]string{"serve"}, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			got := capture(tt.args...)
			switch {
			case tt.want == "" && got != "":
				t.Errorf("unexpected warning %q", got)
			case tt.want != "" && !strings.Contains(got, "warning: "+tt.want):
				t.Errorf("stderr %q lacks the warning %q", got, tt.want)
			}
		})
	}
}

// A flag that needs another one is refused when typed without it (the
// operator asked for something that would not happen: --lab-hosts without
// --lab would run against the OS_* cloud); set by the config file, it is
// only warned about, as a default for every run.
func TestFlagsThatNeedAnotherAreRefusedWithoutIt(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"check", "--lab-hosts", "5"}, "--lab-hosts needs --lab"},
		{[]string{"check", "--lab-no-notifier", "--lab-definition-delay", "3s"}, "--lab-definition-delay, --lab-no-notifier need --lab"},
		{[]string{"serve", "--lab-agents-project", "service"}, "--lab-agents-project needs --lab"},
		{[]string{"lab", "--keystone-service-user", "svc"}, "--keystone-service-user needs --keystone-url"},
		{[]string{"send", "http://h/x", "--every", "60s"}, "--every needs --repeat"},
		{[]string{"send", "http://h/x", "--retry-interval", "1s"}, "--retry-interval needs --retries"},
		{[]string{"listen", "--fsync"}, "--fsync need --save"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, stdout, stderr, tt.want)
			}
		})
	}
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("check:\n  lab-hosts: 5\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	streams, _, errOut := TestStreams()
	f := NewFactory(streams, "test")
	root := NewCmdRoot(f)
	replaceCommand(root, NewCmdCheck(f, func(context.Context, *checkOptions) error { return nil }))
	root.SetArgs([]string{"--config", cfg, "check"})
	root.SetOut(io.Discard)
	if _, err := root.ExecuteC(); err != nil {
		t.Fatalf("a config-file lab-hosts without --lab: %v", err)
	}
	if !strings.Contains(errOut.String(), "warning: --lab-hosts (from the config file or environment) has no effect without --lab") {
		t.Errorf("stderr %q lacks the warning", errOut.String())
	}
}

// --hostname scopes an agent scenario; a synthetic one watches no host.
func TestHostnameWithASyntheticScenarioWarnsAndStillPasses(t *testing.T) {
	code, stdout, stderr := runCLI(t, "check", "--lab", "-s", "synthetic", "--hostname", "compute-1")
	if code != 0 || !strings.Contains(stdout, "PASS") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "warning: --hostname has no effect: scenario synthetic") {
		t.Errorf("stderr %q lacks the --hostname warning", stderr)
	}
	if _, _, stderr := runCLI(t, "check", "--lab", "-s", "cpu-idle", "--hostname", "lab-compute-1"); strings.Contains(stderr, "warning") {
		t.Errorf("an agent scenario with --hostname warned: %q", stderr)
	}
}
