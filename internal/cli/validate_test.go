package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// labOptionsFor parses args with lab's run func replaced by a capture.
func labOptionsFor(t *testing.T, args []string) (*labOptions, string, error) {
	t.Helper()
	streams, _, errOut := TestStreams()
	f := NewFactory(streams, "test")
	root := NewCmdRoot(f)
	var got *labOptions
	replaceCommand(root, NewCmdLab(f, func(_ context.Context, o *labOptions) error { got = o; return nil }))
	root.SetArgs(args)
	root.SetOut(io.Discard)
	_, err := root.ExecuteC()
	return got, errOut.String(), err
}

func replaceCommand(root *cobra.Command, c *cobra.Command) {
	for _, old := range root.Commands() {
		if old.Name() == c.Name() {
			root.RemoveCommand(old)
		}
	}
	root.AddCommand(c)
}

// lab, check and serve share one --speed range, and refuse the same
// values with exit 2 naming the flag, before anything starts.
func TestSpeedOutsideTheRangeIsAUsageErrorForLabAndCheck(t *testing.T) {
	for _, v := range []string{"NaN", "nan", "Inf", "+Inf", "-Inf", "0", "-5", "0.5", "1e9", "1000.5"} {
		for _, cmd := range []string{"check", "lab"} {
			t.Run(cmd+" "+v, func(t *testing.T) {
				var err error
				if cmd == "check" {
					_, err = checkOptionsFor(t, []string{"check", "--lab", "--speed", v})
				} else {
					_, _, err = labOptionsFor(t, []string{"lab", "--speed", v})
				}
				if exitCode(context.Background(), err) != 2 || !strings.Contains(err.Error(), "--speed") {
					t.Fatalf("err %v: want exit 2 naming --speed", err)
				}
			})
		}
	}
	for _, v := range []string{"NaN", "-Inf", "0", "1e9"} {
		code, _, stderr := runCLI(t, "serve", "--lab", "--speed", v)
		if code != 2 || !strings.Contains(stderr, "--speed") {
			t.Errorf("serve --speed %s: exit %d, stderr %q; want 2 naming --speed", v, code, stderr)
		}
	}
	for _, v := range []string{"1", "60", "1000"} {
		if _, err := checkOptionsFor(t, []string{"check", "--lab", "--speed", v}); err != nil {
			t.Errorf("check --speed %s: %v", v, err)
		}
		if _, _, err := labOptionsFor(t, []string{"lab", "--speed", v}); err != nil {
			t.Errorf("lab --speed %s: %v", v, err)
		}
	}
}

// --junit and --save that cannot be written are exit 2 before the run
// (not after a PASS), and nothing is created on the way.
func TestUnwritableReportPathsAreUsageErrorsBeforeTheRun(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	readonly := filepath.Join(dir, "ro")
	if err := os.Mkdir(readonly, 0o500); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--junit", filepath.Join(dir, "missing", "r.xml")}, "--junit"},
		{[]string{"--junit", dir}, "--junit"},
		{[]string{"--junit", filepath.Join(file, "r.xml")}, "--junit"},
		{[]string{"--save", dir}, "is a directory"},
		{[]string{"--save", filepath.Join(file, "d.jsonl")}, "--save"},
		{[]string{"--save", filepath.Join(file, "sub", "d.jsonl")}, "--save"},
	}
	if os.Geteuid() != 0 { // root writes anywhere
		tests = append(tests,
			struct {
				args []string
				want string
			}{[]string{"--junit", filepath.Join(readonly, "r.xml")}, "--junit"},
			struct {
				args []string
				want string
			}{[]string{"--save", filepath.Join(readonly, "d.jsonl")}, "--save"})
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"check", "--lab", "-s", "synthetic"}, tt.args...)...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d stderr %q; want 2 naming %s", code, stderr, tt.want)
			}
			if stdout != "" {
				t.Errorf("the check ran before refusing: stdout %q", stdout)
			}
		})
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".monhook") {
			t.Errorf("probe left behind: %s", e.Name())
		}
	}
}

func TestKeepWithLabIsRefusedWithTheReason(t *testing.T) {
	code, stdout, stderr := runCLI(t, "check", "--lab", "--keep", "-s", "synthetic")
	if code != 2 || !strings.Contains(stderr, "--keep") || !strings.Contains(stderr, "monhook lab") || stdout != "" {
		t.Fatalf("exit %d stdout %q stderr %q; want 2 explaining --keep needs `monhook lab`", code, stdout, stderr)
	}
}

func TestListenAcceptsABarePort(t *testing.T) {
	streams, _, _ := TestStreams()
	f := &Factory{IO: streams, Global: &GlobalOptions{Output: "table"}}
	var got *listenOptions
	cmd := NewCmdListen(f, func(_ context.Context, o *listenOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--listen", "3001"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	if err := cmd.Execute(); err != nil || got.Listen != ":3001" {
		t.Fatalf("err %v listen %q, want :3001", err, got.Listen)
	}
	cmd = NewCmdListen(f, func(_ context.Context, o *listenOptions) error { return nil })
	cmd.SetArgs([]string{"--listen", "70000"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	if err := cmd.Execute(); exitCode(context.Background(), err) != 2 || !strings.Contains(err.Error(), "--listen") {
		t.Fatalf("--listen 70000: err %v, want exit 2 naming --listen", err)
	}
}

// The JUnit file is replaced whole: a reader never sees half of it, and a
// failed write leaves the old one.
func TestJUnitIsWrittenAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.xml")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := writeFileAtomic(path, func(f *os.File) error {
		_, _ = f.WriteString("<half")
		return io.ErrShortWrite
	})
	if err == nil {
		t.Fatal("a failed write reported success")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("a failed write changed the file to %q", b)
	}
	if err := writeFileAtomic(path, func(f *os.File) error { _, err := f.WriteString("new"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("file = %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestListenSaveThatCannotBeOpenedIsAUsageError(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runCLI(t, "listen", "--listen", "127.0.0.1:0", "--save", filepath.Join(dir, "missing", "d.jsonl"))
	if code != 2 || !strings.Contains(stderr, "--save") || strings.Contains(stderr, "ready") || stdout != "" {
		t.Fatalf("exit %d stdout %q stderr %q; want 2 naming --save before listening", code, stdout, stderr)
	}
}

// TestUnloadableTLSPairIsAUsageErrorBeforeTheRun: check used to call
// Keystone and Monasca first and then fail its receiver stage with exit 3;
// serve failed with exit 3 too. A TLS file that cannot be loaded is a bad
// flag: exit 2 naming it, before anything runs or listens.
func TestUnloadableTLSPairIsAUsageErrorBeforeTheRun(t *testing.T) {
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "missing-cert.pem"), filepath.Join(dir, "missing-key.pem")
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"check", "--lab", "-s", "synthetic", "--tls-cert", cert, "--tls-key", key},
		{"check", "--lab", "-s", "synthetic", "--tls-cert", notPEM, "--tls-key", notPEM},
		{"listen", "--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key},
		{"serve", "--lab", "--listen", "127.0.0.1:0", "--receiver-listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key},
	} {
		t.Run(strings.Join(args[:2], " ")+" "+filepath.Base(args[len(args)-1]), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, args...)
			if code != 2 || !strings.Contains(stderr, "tls-cert") || !strings.Contains(stderr, filepath.Base(args[len(args)-3])) {
				t.Fatalf("exit %d stderr %q; want 2 naming --tls-cert and the file", code, stderr)
			}
			if stdout != "" {
				t.Errorf("ran before refusing: stdout %q", stdout)
			}
		})
	}
}

func TestUnreadableScenarioFileNamesTheFlag(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	code, stdout, stderr := runCLI(t, "check", "--lab", "--scenario-file", missing)
	if code != 2 || !strings.Contains(stderr, "--scenario-file "+missing) || stdout != "" {
		t.Fatalf("exit %d stdout %q stderr %q; want 2 naming --scenario-file and the path", code, stdout, stderr)
	}
}

// TestLabRefusesBadAddressesAndDurations: a lab that starts on a value no
// client can use (OS_AUTH_URL=notaurl/v3 exported, tokens that expire at
// once) or fails later with exit 3 is a usage error, exit 2 naming the flag.
func TestLabRefusesBadAddressesAndDurations(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"lab", "--listen", "nope"}, "--listen"},
		{[]string{"lab", "--listen", "127.0.0.1:99999"}, "--listen"},
		{[]string{"lab", "--keystone-url", "notaurl"}, "--keystone-url"},
		{[]string{"lab", "--keystone-url", "keystone:5000/v3"}, "--keystone-url"},
		{[]string{"lab", "--token-ttl", "0"}, "--token-ttl"},
	} {
		got, _, err := labOptionsFor(t, tt.args)
		if exitCode(context.Background(), err) != 2 || !strings.Contains(err.Error(), tt.want) || got != nil {
			t.Errorf("%v: err %v (ran: %v); want exit 2 naming %s before the lab starts", tt.args, err, got != nil, tt.want)
		}
	}
	if got, _, err := labOptionsFor(t, []string{"lab", "--listen", "8070"}); err != nil || got.Listen != ":8070" {
		t.Errorf("lab --listen 8070: %v, listen %q; want :8070", err, got.Listen)
	}
}
