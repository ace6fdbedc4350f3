//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/openstack"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarmdefinitions"
)

// unreachable is a callback URL nothing listens on: Monasca's sends fail,
// so a check waits in the delivery stage until it is stopped.
const unreachable = "http://127.0.0.1:1/never"

// leftovers returns what `monhook cleanup --dry-run` finds.
func leftovers(t *testing.T, lp *labProcess) []map[string]any {
	t.Helper()
	r := runMonhook(t, lp.Env(), "cleanup", "--dry-run", "-o", "json")
	if r.Code != 0 {
		t.Fatalf("cleanup --dry-run: exit %d: %s", r.Code, r.Stderr)
	}
	left, err := cleanupResources(r.Stdout)
	if err != nil {
		t.Fatalf("cleanup output %q: %v", r.Stdout, err)
	}
	return left
}

// awaitProvisioned waits until the running check's alarm definition and
// notification method exist in the lab (an observable condition, polled
// through the API), i.e. the check is past provisioning.
func awaitProvisioned(t *testing.T, lp *labProcess) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if len(leftovers(t, lp)) == 2 {
			return
		}
	}
	t.Fatal("the check never provisioned its resources")
}

func TestSignalDuringTheWaitExits130AfterTeardown(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			lp := startLabProcess(t, "--speed", e2eSpeed)
			cmd, out, errOut := startMonhook(t, lp.Env(), "check", "-s", "synthetic", "--speed", e2eSpeed,
				"--callback-url", unreachable, "--skip-callback-test", "--timeout", "5m", "-o", "json")
			awaitProvisioned(t, lp)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			code := exitCodeOf(cmd.Wait())
			if code != 130 {
				t.Fatalf("exit %d, want 130\nstdout %s\nstderr %s", code, out.String(), errOut.String())
			}
			var rep report.Report
			if err := json.Unmarshal([]byte(out.String()), &rep); err != nil {
				t.Fatalf("no JSON report after the signal: %v", err)
			}
			if rep.Verdict != report.VerdictInterrupted {
				t.Errorf("verdict %q, want interrupted", rep.Verdict)
			}
			if left := leftovers(t, lp); len(left) != 0 {
				t.Errorf("left behind after %s: %v", sig, left)
			}
		})
	}
}

func TestKillDashNineThenCleanupRemovesOnlyMonhooksResources(t *testing.T) {
	lp := startLabProcess(t, "--speed", e2eSpeed)

	// Someone else's definition in the same project must survive cleanup.
	for k, v := range lp.env {
		t.Setenv(k, v)
	}
	s, err := openstack.Connect(context.Background(), openstack.AuthFlags{})
	if err != nil {
		t.Fatal(err)
	}
	other, err := alarmdefinitions.Create(context.Background(), s.Monitoring, alarmdefinitions.CreateOpts{
		Name: "monhook-lookalike-alarm", Description: "not created by monhook",
		Expression: "avg(cpu.idle_perc{hostname=lab-compute-1}) < 5",
	}).Extract()
	if err != nil {
		t.Fatal(err)
	}

	cmd, _, _ := startMonhook(t, lp.Env(), "check", "-s", "synthetic", "--speed", e2eSpeed, "--callback-url", unreachable, "--skip-callback-test")
	awaitProvisioned(t, lp)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	r := runMonhook(t, lp.Env(), "cleanup", "-o", "json")
	if r.Code != 0 {
		t.Fatalf("cleanup: exit %d: %s", r.Code, r.Stderr)
	}
	deleted, err := cleanupResources(r.Stdout)
	if err != nil || len(deleted) != 2 {
		t.Fatalf("cleanup deleted %v (%v), want the killed run's definition and method", deleted, err)
	}
	if left := leftovers(t, lp); len(left) != 0 {
		t.Errorf("left after cleanup: %v", left)
	}
	if _, err := alarmdefinitions.Get(context.Background(), s.Monitoring, other.ID).Extract(); err != nil {
		t.Errorf("cleanup touched a definition that is not monhook's: %v", err)
	}
}

func TestUnreachableCallbackExitsOneNamingTheDeliveryStage(t *testing.T) {
	lp := startLabProcess(t, "--speed", e2eSpeed)
	r := runMonhook(t, lp.Env(), "check", "-s", "synthetic", "--speed", e2eSpeed, "--callback-url", unreachable, "--skip-callback-test")
	if r.Code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	for _, want := range []string{"delivery", "failed", "cannot reach", "--callback-url"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, r.Stdout)
		}
	}
	if left := leftovers(t, lp); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

func TestWrongPasswordExitsThreeAndNeverPrintsTheSecret(t *testing.T) {
	lp := startLabProcess(t, "--speed", e2eSpeed)
	const secret = "Wr0ng-Passw0rd-e2e"
	for _, debug := range []bool{false, true} {
		t.Run(fmt.Sprintf("debug=%v", debug), func(t *testing.T) {
			args := []string{"check", "-s", "synthetic", "--speed", e2eSpeed}
			if debug {
				args = append(args, "--debug")
			}
			r := runMonhook(t, lp.Env("OS_PASSWORD="+secret), args...)
			if r.Code != 3 {
				t.Fatalf("exit %d, want 3\n%s\n%s", r.Code, r.Stdout, r.Stderr)
			}
			if strings.Contains(r.Stdout+r.Stderr, secret) {
				t.Errorf("the password appears in the output")
			}
			if !strings.Contains(r.Stdout+r.Stderr, "401") {
				t.Errorf("the output does not say Keystone refused the credentials:\n%s\n%s", r.Stdout, r.Stderr)
			}
		})
	}
}

func TestGoodPasswordNeverAppearsUnderDebug(t *testing.T) {
	lp := startLabProcess(t, "--speed", e2eSpeed)
	r := runMonhook(t, lp.Env(), "check", "-s", "synthetic", "--speed", e2eSpeed, "--debug")
	if r.Code != 0 {
		t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stderr, "POST") {
		t.Errorf("--debug traced nothing")
	}
	if strings.Contains(r.Stdout+r.Stderr, lp.env["OS_PASSWORD"]) {
		t.Errorf("the password appears in the --debug output")
	}
}

func TestMalformedConfigAndScenarioFilesExitTwoNamingTheKey(t *testing.T) {
	lp := startLabProcess(t, "--speed", e2eSpeed)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	scen := filepath.Join(dir, "scenario.yaml")
	must(t, os.WriteFile(cfg, []byte("check:\n  timeout: soon\n"), 0o600))
	must(t, os.WriteFile(scen, []byte("name: bad\nproves: x\nmetric: {source: synthetic, name: m, dimensions: {d: \"{{.RunID}}\"}, values: [1], interval: 5s}\n"+
		"expression: \"max(m{d={{.RunID}}}) > 0\"\nactions: {alarm: true}\ntrigger: {kind: metrics}\nexpect:\n  - state: ALARMED\n    within: 1m\n"), 0o600))

	r := runMonhook(t, lp.Env(), "--config", cfg, "check")
	if r.Code != 2 || !strings.Contains(r.Stderr, "timeout") {
		t.Errorf("bad config: exit %d, stderr %q; want 2 naming timeout", r.Code, r.Stderr)
	}
	r = runMonhook(t, lp.Env(), "check", "--scenario-file", scen)
	if r.Code != 2 || !strings.Contains(r.Stderr, "expect[0].state") {
		t.Errorf("bad scenario: exit %d, stderr %q; want 2 naming expect[0].state", r.Code, r.Stderr)
	}
	if left := leftovers(t, lp); len(left) != 0 {
		t.Errorf("a usage error created resources: %v", left)
	}
}

func TestReceiverFloodDuringACheckStillPassesAndReportsStrays(t *testing.T) {
	lp := startLabProcess(t, "--speed", e2eSpeed)
	port := freePort(t)
	cmd, out, errOut := startMonhook(t, lp.Env(), "check", "-s", "synthetic", "--speed", e2eSpeed,
		"--listen", fmt.Sprintf("127.0.0.1:%d", port), "-o", "json")

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var sent atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	client := &http.Client{Timeout: 2 * time.Second}
	junk := []func() (*http.Response, error){
		func() (*http.Response, error) {
			return client.Post(base+"/guess", "application/json", strings.NewReader(`{}`))
		},
		func() (*http.Response, error) { return client.Get(base + "/") },
		func() (*http.Response, error) {
			return client.Post(base+"/x", "application/json", bytes.NewReader(bytes.Repeat([]byte("a"), 2<<20)))
		},
		func() (*http.Response, error) {
			return client.Post(base+"/y", "application/json", strings.NewReader("{not json"))
		},
	}
	for i := range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if resp, err := junk[i](); err == nil {
					resp.Body.Close()
					sent.Add(1)
				}
			}
		})
	}
	err := <-done
	close(stop)
	wg.Wait()
	if code := exitCodeOf(err); code != 0 {
		t.Fatalf("exit %d under a flood\n%s\n%s", code, out.String(), errOut.String())
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out.String()), &rep); err != nil {
		t.Fatal(err)
	}
	if sent.Load() > 0 && len(rep.Strays) == 0 {
		t.Errorf("%d junk requests were answered but the report lists no strays", sent.Load())
	}
	for _, d := range rep.Deliveries {
		if d.Expected && d.AlarmDefinitionID == "" {
			t.Errorf("a stray was counted as a delivery: %+v", d)
		}
	}
}

// monascaProxy fronts the lab's Monasca and misbehaves on requests that
// match: fail answers 500, stall never answers (until the test ends).
func monascaProxy(t *testing.T, lp *labProcess, match func(*http.Request) bool, stall bool) string {
	t.Helper()
	base := labMonitoringURL(t, lp)
	u, err := url.Parse(base)
	must(t, err)
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if match(r) {
			if stall {
				select {
				case <-release:
				case <-r.Context().Done():
				}
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"title":"Service unavailable","description":"injected by the e2e test"}`))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv.URL + u.Path
}

// labMonitoringURL is the Monasca endpoint the lab's catalog advertises.
func labMonitoringURL(t *testing.T, lp *labProcess) string {
	t.Helper()
	for k, v := range lp.env {
		t.Setenv(k, v)
	}
	s, err := openstack.Connect(context.Background(), openstack.AuthFlags{})
	must(t, err)
	return s.Monitoring.ResourceBaseURL()
}

// An API error is exit 3; a stalled API that outlasts --timeout is the
// timeout's one exit code, 1, naming the stage it stalled in.
func TestMonascaErrorsAndStallsEndWithAClearMessage(t *testing.T) {
	lp := startLabProcess(t, "--speed", e2eSpeed)
	t.Run("500 on create", func(t *testing.T) {
		api := monascaProxy(t, lp, func(r *http.Request) bool {
			return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/alarm-definitions")
		}, false)
		r := runMonhook(t, lp.Env(), "check", "-s", "synthetic", "--speed", e2eSpeed, "--monasca-api-url", api)
		if r.Code != 3 || !strings.Contains(r.Stdout, "500") || !strings.Contains(r.Stdout, "alarm definition") {
			t.Errorf("exit %d; want 3 naming the alarm definition and the 500\n%s", r.Code, r.Stdout)
		}
	})
	t.Run("stalled preflight", func(t *testing.T) {
		api := monascaProxy(t, lp, func(r *http.Request) bool {
			return strings.HasSuffix(r.URL.Path, "/notification-methods/types")
		}, true)
		r := runMonhook(t, lp.Env(), "check", "-s", "synthetic", "--speed", e2eSpeed, "--monasca-api-url", api, "--timeout", "5s")
		if r.Code != 1 || !strings.Contains(r.Stdout, "preflight") || !strings.Contains(r.Stdout, "--timeout") {
			t.Errorf("exit %d; want 1 naming preflight and --timeout\n%s", r.Code, r.Stdout)
		}
	})
	if left := leftovers(t, lp); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
