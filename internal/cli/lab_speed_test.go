package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/monhook/monhook/internal/lab"
)

// sourceLabExports runs `monhook lab --speed 60` in the foreground (in
// process) and applies its stdout to the environment, as `. ./lab.env` does.
func sourceLabExports(t *testing.T, speed float64) {
	t.Helper()
	streams, stdout, _ := TestStreams()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	ready := make(chan *lab.Lab, 1)
	go func() {
		errc <- labRun(ctx, &labOptions{IO: streams, Listen: "127.0.0.1:0", Speed: speed, Hosts: 3, VersionSuffix: true,
			started: func(l *lab.Lab) { ready <- l }})
	}()
	select {
	case <-ready:
	case err := <-errc:
		t.Fatalf("lab did not start: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Error(err)
		}
	})
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		k, v, _ := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		t.Setenv(k, strings.Trim(v, "'"))
	}
	for _, k := range []string{"OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_PROJECT_ID", "OS_TOKEN", "OS_CACERT", "MONASCA_API_URL"} {
		t.Setenv(k, "")
	}
}

// TestCheckRunsAtTheForegroundLabsSpeed is the case: ok-cycle
// against `monhook lab --speed 60` without its own --speed took 40 s; with
// the lab's MONHOOK_SPEED export it takes about a second. At speed 1 it
// could not finish within the 20 s timeout and would exit 1.
func TestCheckRunsAtTheForegroundLabsSpeed(t *testing.T) {
	sourceLabExports(t, 60)
	o, err := checkOptionsFor(t, []string{"check"})
	if err != nil || o.Speed != 60 {
		t.Fatalf("check options after sourcing the lab: speed %v, err %v", o.Speed, err)
	}
	code, out, errOut := runCLI(t, "check", "-s", "ok-cycle", "-o", "json", "--timeout", "20s")
	if code != 0 {
		t.Fatalf("check exit %d\n%s\n%s", code, out, errOut)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report: %v", err)
	}
}
