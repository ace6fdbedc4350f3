//go:build e2e

package e2e

import (
	"bufio"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/syncbuf"
)

// listenProcess is `monhook listen` running as its own process.
type listenProcess struct {
	cmd    *exec.Cmd
	url    string // from its "ready <url>" line
	stdout *syncbuf.Buffer
	stderr *syncbuf.Buffer
}

// startListen starts the binary's listen and waits for its ready line on
// stderr (read through a pipe, line by line: no polling).
func startListen(t *testing.T, env []string, args ...string) *listenProcess {
	t.Helper()
	cmd := exec.Command(monhookBin(t), append([]string{"listen", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Env = env
	lp := &listenProcess{cmd: cmd, stdout: &syncbuf.Buffer{}, stderr: &syncbuf.Buffer{}}
	cmd.Stdout = lp.stdout
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			line := sc.Text()
			_, _ = lp.stderr.Write([]byte(line + "\n"))
			if u, ok := strings.CutPrefix(line, "ready "); ok {
				ready <- u
			}
		}
		close(ready)
	}()
	select {
	case u, ok := <-ready:
		if !ok {
			_ = cmd.Wait()
			t.Fatalf("listen exited before it was ready:\n%s", lp.stderr.String())
		}
		lp.url = u
	case <-time.After(30 * time.Second):
		t.Fatalf("listen not ready within 30s:\n%s", lp.stderr.String())
	}
	return lp
}

// stop sends SIGTERM and waits for the exit code.
func (lp *listenProcess) stop(t *testing.T) int {
	t.Helper()
	_ = lp.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- lp.cmd.Wait() }()
	select {
	case err := <-done:
		return exitCodeOf(err)
	case <-time.After(60 * time.Second):
		t.Fatalf("listen did not stop on SIGTERM:\n%s", lp.stderr.String())
		return -1
	}
}

// TestSendIsCleanInListenThroughTheBinaries: the classic recipe's
// workflow, one command each, as separate processes.
func TestSendIsCleanInListenThroughTheBinaries(t *testing.T) {
	lp := startListen(t, baseEnv(), "--path", "/openstack/alerts")
	if !strings.HasSuffix(lp.url, "/openstack/alerts") {
		t.Fatalf("ready URL %q", lp.url)
	}
	r := runMonhook(t, baseEnv(), "send", lp.url, "--dimension", "hostname=web1", "--alarm-id", "a1")
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "delivered 200 OK") {
		t.Fatalf("send: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	resp, err := http.Post(strings.TrimSuffix(lp.url, "/openstack/alerts")+"/alerts", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 404 || !strings.Contains(string(body), lp.url) {
		t.Errorf("wrong path: %d %q, want 404 naming %s", resp.StatusCode, body, lp.url)
	}
	if code := lp.stop(t); code != 0 {
		t.Errorf("listen exit %d", code)
	}
	out := lp.stdout.String()
	if !strings.Contains(out, "alarm a1") || !strings.Contains(out, "cpu.idle_perc{hostname=web1}") || !strings.HasSuffix(strings.TrimSpace(out), "  ok") {
		t.Errorf("listen stdout %q: want the delivery, ok", out)
	}
}

// TestListenRegisterIsSweptAndRemovedThroughTheBinaries: while listen
// --register runs, cleanup recognises its method by the marker; after
// SIGTERM the method is gone.
func TestListenRegisterIsSweptAndRemovedThroughTheBinaries(t *testing.T) {
	lab := startLabProcess(t, "--speed", e2eSpeed)
	lp := startListen(t, lab.Env(), "--register")
	if !strings.Contains(lp.stderr.String(), "registered notification method ") {
		t.Fatalf("stderr:\n%s", lp.stderr.String())
	}
	leftovers := func() []map[string]any {
		r := runMonhook(t, lab.Env(), "cleanup", "--dry-run", "-o", "json")
		found, err := cleanupResources(r.Stdout)
		if err != nil {
			t.Fatalf("cleanup: %v\n%s\n%s", err, r.Stdout, r.Stderr)
		}
		return found
	}
	if found := leftovers(); len(found) != 1 || found[0]["kind"] != "notification-method" {
		t.Errorf("while listening, cleanup sees %v; want our method", found)
	}
	if code := lp.stop(t); code != 0 {
		t.Errorf("listen exit %d:\n%s", code, lp.stderr.String())
	}
	if found := leftovers(); len(found) != 0 {
		t.Errorf("after exit, cleanup still sees %v", found)
	}
}

// TestCheckRunsAtTheLabsSpeedFromItsExports: ok-cycle against `monhook lab
// --speed 60` without --speed; at speed 1 it needs 40 s and the timeout
// below would fail it.
func TestCheckRunsAtTheLabsSpeedFromItsExports(t *testing.T) {
	lab := startLabProcess(t, "--speed", e2eSpeed)
	if lab.env["MONHOOK_SPEED"] != e2eSpeed {
		t.Fatalf("lab exports MONHOOK_SPEED=%q", lab.env["MONHOOK_SPEED"])
	}
	r := runMonhook(t, lab.Env(), "check", "-s", "ok-cycle", "--timeout", "20s")
	if r.Code != 0 {
		t.Fatalf("check exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
}
