//go:build e2e

package e2e

import (
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/syncbuf"
)

// serveProcess is `monhook serve` running against a lab process.
type serveProcess struct {
	cmd    *exec.Cmd
	URL    string
	stderr *syncbuf.Buffer
	done   chan error
}

var serveURLRE = regexp.MustCompile(`monhook serve: (http://[0-9.:]+) `)

// startServe starts `monhook serve` on loopback ports with the lab's OS_*
// environment and waits for the line that names its URL.
func startServe(t *testing.T, lp *labProcess, args ...string) *serveProcess {
	t.Helper()
	return startServeEnv(t, lp.Env(), args...)
}

func startServeEnv(t *testing.T, env []string, args ...string) *serveProcess {
	t.Helper()
	args = append([]string{"serve", "--speed", e2eSpeed, "--listen", "127.0.0.1:0", "--receiver-listen", "127.0.0.1:0"}, args...)
	cmd := exec.Command(monhookBin(t), args...)
	cmd.Env = env
	sp := &serveProcess{cmd: cmd, stderr: &syncbuf.Buffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = io.Discard, sp.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { sp.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			t.Logf("monhook serve stderr:\n%s", sp.stderr.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := serveURLRE.FindStringSubmatch(sp.stderr.String()); m != nil {
			sp.URL = m[1]
			return sp
		}
		select {
		case err := <-sp.done:
			t.Fatalf("monhook serve exited before serving: %v\n%s", err, sp.stderr.String())
		case <-time.After(20 * time.Millisecond): // poll interval
		}
	}
	t.Fatalf("monhook serve never said where it listens:\n%s", sp.stderr.String())
	return nil
}

// stop sends SIGTERM and returns the exit code.
func (sp *serveProcess) stop(t *testing.T) int {
	t.Helper()
	if err := sp.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-sp.done:
		return exitCodeOf(err)
	case <-time.After(2 * time.Minute):
		t.Fatal("monhook serve did not exit after SIGTERM")
		return -1
	}
}

// fetch GETs a URL with optional header pairs and returns status and body.
func fetch(t *testing.T, url string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	must(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := (&http.Client{Timeout: 3 * time.Minute}).Do(req)
	must(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err)
	return resp.StatusCode, string(b)
}

// metricValue finds `name{labels} value` (labels exactly as exposed, "" for
// none) in the text exposition format.
func metricValue(body, series string) (float64, bool) {
	for _, line := range strings.Split(body, "\n") {
		rest, ok := strings.CutPrefix(line, series+" ")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(f[0], 64)
		return v, err == nil
	}
	return 0, false
}

func wantMetric(t *testing.T, body, series string, want float64) {
	t.Helper()
	v, ok := metricValue(body, series)
	if !ok || v != want {
		t.Errorf("%s = %v (present %v), want %v\n%s", series, v, ok, want, body)
	}
}
