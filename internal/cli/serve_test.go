package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/lab/notifier"
	canary "github.com/monhook/monhook/internal/serve"
	"github.com/monhook/monhook/internal/syncbuf"
)

func writeConfig(t *testing.T, yaml string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestServeBadConfigExitsTwoNamingTheKeyBeforeListening(t *testing.T) {
	// A port that is taken: had serve tried to listen before validating,
	// the error would be about the port, not the key.
	ln := mustListen(t)
	cases := []struct {
		args []string
		key  string
	}{
		{[]string{"--config", writeConfig(t, "serve:\n  targets:\n    - scenario: synthetic\n      interval: often\n")}, "serve.targets[0].interval"},
		{[]string{"--config", writeConfig(t, "serve:\n  targets:\n    - scenario: nosuch\n")}, "serve.targets[0].scenario"},
		{[]string{"--config", writeConfig(t, "serve:\n  max-concurrent: 0\n")}, "serve.max-concurrent"},
		{[]string{"--lab", "--config", writeConfig(t, "serve:\n  targets:\n    - cloud: mars\n      scenario: synthetic\n")}, "serve.targets[0].cloud"},
		{[]string{"--instance-id", "TOOLONG"}, "serve.instance-id"},
		{[]string{"--config", writeConfig(t, "serve:\n  targets:\n    - scenario: synthetic\n      type: email\n")}, "serve.targets[0].type"},
		{[]string{"--config", writeConfig(t, "serve:\n  targets:\n    - scenario: synthetic\n      type: pager\n")}, "serve.targets[0].type"},
		{[]string{"--lab", "--config", writeConfig(t, "serve:\n  targets:\n    - scenario: synthetic\n      type: email\n      email-from: Monasca\n")}, "serve.targets[0].email-from"},
		{[]string{"--lab", "--config", writeConfig(t, "serve:\n  targets:\n    - scenario: synthetic\n      email-from: monasca@example.org\n")}, "serve.targets[0].email-from"},
		{[]string{"--lab", "--email-from", "Monasca"}, `--email-from "Monasca"`},
		{[]string{"--email-from", "monasca@example.org"}, "--email-from needs --email-to and --imap"},
	}
	for _, c := range cases {
		args := append([]string{"serve", "--listen", ln, "--receiver-listen", ln}, c.args...)
		code, _, stderr := runCLI(t, args...)
		if code != 2 || !strings.Contains(stderr, c.key) || strings.Contains(stderr, "address already in use") {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming %s", c.args, code, stderr, c.key)
		}
	}
}

func mustListen(t *testing.T) string {
	t.Helper()
	srv := &http.Server{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
	return l.Addr().String()
}

// servedCLI is `monhook serve` run in-process by startServeCLI.
type servedCLI struct {
	*canary.Server
	ctx    context.Context
	cancel context.CancelFunc
	done   <-chan error // serve's error, once it has ended
	errOut *syncbuf.Buffer
}

// startServeCLI runs `monhook serve args...` through the root command and
// returns once it serves; setup, if not nil, adjusts the options before
// serveRun (a SIGHUP channel). The test's end cancels it.
func startServeCLI(t *testing.T, setup func(*serveOptions), args ...string) *servedCLI {
	t.Helper()
	streams, _, _ := TestStreams()
	// serve's banner, its probe logs and exporter-toolkit's "Listening on"
	// come from several goroutines: a buffer safe for that.
	errOut := &syncbuf.Buffer{}
	streams.ErrOut = errOut
	f := NewFactory(streams, "test")
	root := NewCmdRoot(f)
	ready := make(chan *canary.Server, 1)
	replaceCommand(root, NewCmdServe(f, func(ctx context.Context, o *serveOptions) error {
		o.started = func(s *canary.Server) { ready <- s }
		if setup != nil {
			setup(o)
		}
		return serveRun(ctx, o)
	}))
	root.SetArgs(append([]string{"serve"}, args...))
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	done := make(chan error, 1)
	go func() { _, err := root.ExecuteContextC(ctx); done <- err }()
	select {
	case s := <-ready:
		return &servedCLI{Server: s, ctx: ctx, cancel: cancel, done: done, errOut: errOut}
	case err := <-done:
		t.Fatalf("serve ended early: %v\n%s", err, errOut)
	case <-time.After(time.Minute):
		t.Fatal("serve did not start")
	}
	return nil
}

func TestServeLabProbesAndStopsWithExitZeroOnCancel(t *testing.T) {
	s := startServeCLI(t, nil, "--lab", "--listen", "127.0.0.1:0", "--receiver-listen", "127.0.0.1:0")
	resp, err := http.Get(s.URL() + "/probe?scenario=synthetic")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "\nmonhook_probe_success 1\n") {
		t.Fatalf("probe against the lab:\n%s", body)
	}
	s.cancel()
	if err := <-s.done; err != nil || exitCode(s.ctx, err) != 0 {
		t.Fatalf("serve after cancel: %v (exit %d), want exit 0", err, exitCode(s.ctx, err))
	}
	// The lab is labelled the lab, not the OS_* environment.
	if log := s.errOut.String(); !strings.Contains(log, "cloud=lab") || strings.Contains(log, "cloud=env") {
		t.Errorf("serve --lab's probe log names the cloud wrongly (want cloud=lab):\n%s", log)
	}
}

// A bare port is ":PORT" for serve's two addresses, as for check, listen
// and lab; a bad port is still refused naming its flag.
func TestServeAcceptsABarePort(t *testing.T) {
	streams, _, _ := TestStreams()
	f := &Factory{IO: streams, Global: &GlobalOptions{Output: "table"}}
	var got *serveOptions
	cmd := NewCmdServe(f, func(_ context.Context, o *serveOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--listen", "10070", "--receiver-listen", "10071"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("--listen 10070 --receiver-listen 10071: %v", err)
	}
	if got.Config.Listen != ":10070" || got.Config.ReceiverListen != ":10071" {
		t.Fatalf("listen %q, receiver-listen %q; want :10070 and :10071", got.Config.Listen, got.Config.ReceiverListen)
	}
	for _, flag := range []string{"--listen", "--receiver-listen"} {
		code, _, stderr := runCLI(t, "serve", "--config", writeConfig(t, "{}\n"), flag, "70000")
		if code != 2 || !strings.Contains(stderr, flag+` "70000"`) {
			t.Errorf("%s 70000: exit %d, stderr %q; want 2 naming %s", flag, code, stderr, flag)
		}
	}
}

func TestServeLabEmailProbesAndTargetsAreLabelledType(t *testing.T) {
	cfg := writeConfig(t, "serve:\n  targets:\n    - name: lab-email\n      scenario: synthetic\n      type: email\n      interval: 2s\n"+
		"    - name: lab-webhook\n      scenario: synthetic\n      interval: 2s\n"+
		// email-from pins the sender: the lab's own passes, another fails.
		"    - name: lab-email-pinned\n      scenario: synthetic\n      type: email\n      interval: 2s\n      email-from: "+notifier.DefaultFrom+"\n"+
		"    - name: lab-email-other\n      scenario: synthetic\n      type: email\n      interval: 2s\n      email-from: alerts@example.org\n")
	s := startServeCLI(t, nil, "--lab", "--listen", "127.0.0.1:0", "--receiver-listen", "127.0.0.1:0", "--config", cfg)
	get := func(path string) string {
		resp, err := http.Get(s.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if body := get("/probe?scenario=ok-cycle&type=email"); !strings.Contains(body, "\nmonhook_probe_success 1\n") {
		t.Fatalf("email probe against the lab:\n%s", body)
	}
	if body := get("/probe?scenario=synthetic&type=sms"); !strings.Contains(body, "want webhook or email") {
		t.Errorf("type=sms: %s", body)
	}
	// The scheduled targets start within a second of each other (spread
	// over the 2s interval); wait for both results.
	want := []string{
		`monhook_probe_success{cloud="lab",scenario="synthetic",target="lab-email",type="email"} 1`,
		`monhook_probe_success{cloud="lab",scenario="synthetic",target="lab-webhook",type="webhook"} 1`,
		`monhook_probe_success{cloud="lab",scenario="synthetic",target="lab-email-pinned",type="email"} 1`,
		`monhook_probe_success{cloud="lab",scenario="synthetic",target="lab-email-other",type="email"} 0`,
		`monhook_probes_total{cloud="lab",result="success",scenario="ok-cycle",target="",type="email"} 1`,
	}
	deadline := time.Now().Add(time.Minute)
	for {
		body := get("/metrics")
		missing := ""
		for _, w := range want {
			if !strings.Contains(body, w) {
				missing = w
			}
		}
		if missing == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics lacks %s:\n%s", missing, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// serve --email-from pins the sender of every type=email probe; a
// target's email-from wins over it.
func TestServeEmailFromPinsTheSenderOfEmailProbes(t *testing.T) {
	cfg := writeConfig(t, "serve:\n  targets:\n    - name: lab-email-pinned\n      scenario: synthetic\n      type: email\n      interval: 2s\n      email-from: "+notifier.DefaultFrom+"\n")
	s := startServeCLI(t, nil, "--lab", "--listen", "127.0.0.1:0", "--receiver-listen", "127.0.0.1:0", "--config", cfg, "--email-from", "alerts@example.org")
	get := func(path string) string {
		resp, err := http.Get(s.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if body := get("/probe?scenario=synthetic&type=email&debug=true"); !strings.Contains(body, "monhook_probe_success 0") ||
		!strings.Contains(strings.Join(strings.Fields(body), " "), "is not the expected sender alerts@example.org") {
		t.Errorf("/probe type=email with --email-from another sender:\n%s", body)
	}
	want := `monhook_probe_success{cloud="lab",scenario="synthetic",target="lab-email-pinned",type="email"} 1`
	deadline := time.Now().Add(time.Minute)
	for body := get("/metrics"); !strings.Contains(body, want); body = get("/metrics") {
		if time.Now().After(deadline) {
			t.Fatalf("/metrics lacks %s:\n%s", want, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// SIGHUP reloads the config file; a bad one keeps the running
// configuration and says why; serve keeps serving through both.
func TestServeSIGHUPReloadsAndABadFileKeepsTheRunningConfig(t *testing.T) {
	cfgFile := writeConfig(t, "serve:\n  max-concurrent: 5\n")
	hup := make(chan os.Signal, 1)
	s := startServeCLI(t, func(o *serveOptions) { o.hup = hup },
		"--lab", "--config", cfgFile, "--listen", "127.0.0.1:0", "--receiver-listen", "127.0.0.1:0")
	awaitReloads := func(result string, want float64) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			resp, err := http.Get(s.URL() + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(body), fmt.Sprintf("monhook_config_reloads_total{result=%q} %g\n", result, want)) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %s reload counted:\n%s", result, body)
			}
			time.Sleep(10 * time.Millisecond) // poll interval
		}
	}
	// A bad file: refused, the running targets stay (none).
	if err := os.WriteFile(cfgFile, []byte("serve:\n  targets:\n    - scenario: nosuch\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	hup <- syscall.SIGHUP
	awaitReloads("error", 1)
	// A good one: a target appears.
	if err := os.WriteFile(cfgFile, []byte("serve:\n  targets:\n    - scenario: synthetic\n      interval: 1h\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	hup <- syscall.SIGHUP
	awaitReloads("ok", 1)
	if n := len(s.Config().Targets); n != 1 || s.Config().Targets[0].Name != "lab/synthetic" {
		t.Errorf("after the reload: targets %+v", s.Config().Targets)
	}
	s.cancel()
	if err := <-s.done; err != nil {
		t.Fatalf("serve after cancel: %v", err)
	}
	log := s.errOut.String()
	for _, want := range []string{"SIGHUP: configuration not reloaded, the running one stays", `serve.targets[0].scenario`, "SIGHUP: configuration reloaded (1 scheduled target)"} {
		if !strings.Contains(log, want) {
			t.Errorf("serve's stderr lacks %q:\n%s", want, log)
		}
	}
}
