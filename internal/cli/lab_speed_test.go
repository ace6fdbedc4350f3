package cli

import (
	"net/http"
	"net/http/httptest"
	"os"

	"context"
	"encoding/json"
	"github.com/gophercloud/gophercloud/v2"
	"strings"
	"testing"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/openstack"
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
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report: %v", err)
	}
	if !rep.Target.Lab || rep.Target.Speed != 60 {
		t.Errorf("report target %+v, want the lab at speed 60", rep.Target)
	}
}

// TestCheckDiscoversTheLabWithoutItsExports: a clouds.yaml or openrc that
// points at a `monhook lab` (no MONHOOK_SPEED) still runs at its speed:
// the lab says so on every answer.
func TestCheckDiscoversTheLabWithoutItsExports(t *testing.T) {
	sourceLabExports(t, 60)
	t.Setenv("MONHOOK_SPEED", "") // restored after the test
	os.Unsetenv("MONHOOK_SPEED")
	code, out, errOut := runCLI(t, "check", "-s", "ok-cycle", "-o", "json", "--timeout", "20s")
	if code != 0 {
		t.Fatalf("check exit %d\n%s\n%s", code, out, errOut)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || !rep.Target.Lab || rep.Target.Speed != 60 {
		t.Fatalf("report target %+v (%v), want the lab at speed 60", rep.Target, err)
	}
	// An explicit --speed wins, with a warning that timings will not match.
	code, _, errOut = runCLI(t, "check", "-s", "synthetic", "--speed", "30", "-o", "json", "--timeout", "20s")
	if code != 0 || !strings.Contains(errOut, "monhook: warning: the target is a monhook lab at speed 60, but --speed is 30") {
		t.Errorf("--speed 30 against a lab at 60: exit %d, stderr %q", code, errOut)
	}
}

func TestCheckInProcessLabReportsItsTarget(t *testing.T) {
	rep := runLabCheck(t, "--lab", "-s", "synthetic")
	if !rep.Target.Lab || rep.Target.Speed != 60 {
		t.Errorf("--lab: target %+v", rep.Target)
	}
}

func TestProbeLabSpeedOnlyBelievesTheHeader(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer plain.Close()
	labby := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Header().Set(lab.SpeedHeader, "60") }))
	defer labby.Close()
	resolved := func(url string) openstack.Resolved {
		return openstack.Resolved{AuthOptions: gophercloud.AuthOptions{IdentityEndpoint: url}}
	}
	if _, ok := probeLabSpeed(context.Background(), resolved(plain.URL)); ok {
		t.Error("a Keystone without the header was taken for the lab")
	}
	if v, ok := probeLabSpeed(context.Background(), resolved(labby.URL)); !ok || v != 60 {
		t.Errorf("lab header: %v %v", v, ok)
	}
	if _, ok := probeLabSpeed(context.Background(), resolved("http://127.0.0.1:1/v3")); ok {
		t.Error("an unreachable Keystone was taken for the lab")
	}
}

func runLabCheck(t *testing.T, args ...string) report.Report {
	t.Helper()
	code, out, errOut := runCLI(t, append([]string{"check", "-o", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestCheckSaveIsAFileLikeListen: --save means a JSON Lines file for check
// as for listen; the report names it; a directory is refused up front.
func TestCheckSaveIsAFileLikeListen(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/runs/deliveries.jsonl"
	rep := runLabCheck(t, "--lab", "-s", "synthetic", "--save", path)
	if rep.Saved == nil || rep.Saved.Path != path || rep.Saved.Deliveries < 1 {
		t.Fatalf("report saved = %+v", rep.Saved)
	}
	b, err := os.ReadFile(path)
	if err != nil || strings.Count(string(b), "\n") != int(rep.Saved.Deliveries) {
		t.Fatalf("saved file: %v, %d lines, report says %d", err, strings.Count(string(b), "\n"), rep.Saved.Deliveries)
	}
	// A second run appends.
	runLabCheck(t, "--lab", "-s", "synthetic", "--save", path)
	b2, _ := os.ReadFile(path)
	if len(b2) <= len(b) {
		t.Error("the second run did not append")
	}
	code, _, errOut := runCLI(t, "check", "--lab", "-s", "synthetic", "--save", dir)
	if code != 2 || !strings.Contains(errOut, "is a directory; --save takes a JSON Lines file") {
		t.Errorf("--save DIR: exit %d, stderr %q", code, errOut)
	}
	code, out, _ := runCLI(t, "check", "--lab", "-s", "synthetic", "--save", dir+"/table.jsonl")
	if flat := strings.Join(strings.Fields(out), " "); code != 0 || !strings.Contains(flat, "saved: 1 delivery appended to "+dir+"/table.jsonl") {
		t.Errorf("table report: exit %d\n%s", code, out)
	}
}
