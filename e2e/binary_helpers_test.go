//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/syncbuf"
)

// The CLI tier drives the built monhook binary (MONHOOK_BIN, which `make
// e2e` sets; otherwise it is built once into a temp dir) against `monhook
// lab` started as a separate process, as an operator or a CI job would.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func monhookBin(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if p := os.Getenv("MONHOOK_BIN"); p != "" {
			binPath = p
			return
		}
		dir, err := os.MkdirTemp("", "monhook-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "monhook")
		out, err := exec.Command("go", "build", "-o", binPath, "../cmd/monhook").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// labProcess is `monhook lab` running in the background.
type labProcess struct {
	cmd    *exec.Cmd
	env    map[string]string // the OS_* exports it printed
	stderr *syncbuf.Buffer
}

// Env returns the process environment for a monhook command pointed at
// the lab, with extra KEY=VALUE overrides.
func (l *labProcess) Env(extra ...string) []string {
	env := baseEnv()
	for k, v := range l.env {
		env = append(env, k+"="+v)
	}
	return append(env, extra...)
}

// cloudsFile writes a clouds.yaml whose entry name is the lab's
// credentials, for tests where Prometheus names a cloud (target=name)
// rather than the environment pointing at the lab.
func (l *labProcess) cloudsFile(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clouds.yaml")
	must(t, os.WriteFile(path, []byte(fmt.Sprintf(`clouds:
  %s:
    auth:
      auth_url: %s
      username: %s
      password: %s
      project_name: %s
      user_domain_name: Default
      project_domain_name: Default
    region_name: %s
`, name, l.env["OS_AUTH_URL"], l.env["OS_USERNAME"], l.env["OS_PASSWORD"], l.env["OS_PROJECT_NAME"], l.env["OS_REGION_NAME"])), 0o600))
	return path
}

// baseEnv is the test's environment without any OS_* or MONHOOK_* variable,
// so that nothing from the machine leaks into a test.
func baseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "OS_") || strings.HasPrefix(kv, "MONHOOK_") || strings.HasPrefix(kv, "MONASCA_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+os.TempDir(), "XDG_CONFIG_HOME="+filepath.Join(os.TempDir(), "monhook-e2e-noconfig"))
}

// startLabProcess starts `monhook lab` and waits for its OS_* exports.
func startLabProcess(t *testing.T, args ...string) *labProcess {
	t.Helper()
	args = append([]string{"lab", "--listen", "127.0.0.1:0"}, args...)
	cmd := exec.Command(monhookBin(t), args...)
	cmd.Env = baseEnv()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	lp := &labProcess{cmd: cmd, env: map[string]string{}, stderr: &syncbuf.Buffer{}}
	cmd.Stderr = lp.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("monhook lab did not stop on SIGTERM within 10s")
		}
		if t.Failed() {
			t.Logf("monhook lab stderr:\n%s", lp.stderr.String())
		}
	})

	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		want := []string{"OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME", "OS_REGION_NAME", "MONHOOK_SPEED"}
		signalled := false
		for sc.Scan() {
			k, v, ok := parseExport(sc.Text())
			if !ok {
				continue
			}
			lp.env[k] = v
			if !signalled && hasAll(lp.env, want) {
				signalled = true
				ready <- nil
				go func() { _, _ = io.Copy(io.Discard, stdout) }()
				return
			}
		}
		if !signalled {
			ready <- errors.New("monhook lab ended its output before printing the OS_* exports")
		}
	}()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatalf("%v\nstderr:\n%s", err, lp.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("monhook lab printed no exports within 30s\nstderr:\n%s", lp.stderr.String())
	}
	return lp
}

func hasAll(m map[string]string, keys []string) bool {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

// parseExport reads `export KEY=VALUE`, VALUE optionally single-quoted.
func parseExport(line string) (string, string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "export ")
	if !ok {
		return "", "", false
	}
	k, v, ok := strings.Cut(rest, "=")
	if !ok {
		return "", "", false
	}
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		v = strings.ReplaceAll(v[1:len(v)-1], `'\''`, `'`)
	} else if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	return k, v, true
}

// result is one finished monhook command.
type result struct {
	Code           int
	Stdout, Stderr string
}

// runMonhook runs the binary with env and args and waits for it.
func runMonhook(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, monhookBin(t), args...)
	cmd.Env = env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running monhook %v: %v", args, err)
	}
	return result{Code: code, Stdout: out.String(), Stderr: errOut.String()}
}

// startMonhook starts the binary without waiting, for signal tests.
func startMonhook(t *testing.T, env []string, args ...string) (*exec.Cmd, *syncbuf.Buffer, *syncbuf.Buffer) {
	t.Helper()
	cmd := exec.Command(monhookBin(t), args...)
	cmd.Env = env
	out, errOut := &syncbuf.Buffer{}, &syncbuf.Buffer{}
	cmd.Stdout, cmd.Stderr = out, errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, out, errOut
}

func exitCodeOf(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}
