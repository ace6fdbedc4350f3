//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/scenarios"
)

func TestServeProbesEveryScenarioAgainstTheLabProcessAndExitsZero(t *testing.T) {
	lp := startLabProcess(t, "--speed", e2eSpeed)
	sp := startServe(t, lp)
	for _, sc := range scenarios.Builtins() {
		status, body := fetch(t, sp.URL+"/probe?scenario="+sc.Name)
		if status != 200 {
			t.Fatalf("%s: status %d\n%s", sc.Name, status, body)
		}
		wantMetric(t, body, "monhook_probe_success", 1)
		wantMetric(t, body, `monhook_stage_success{stage="delivery"}`, 1)
		wantMetric(t, body, "monhook_leaked_resources", 0)
	}
	_, metrics := fetch(t, sp.URL+"/metrics")
	wantMetric(t, metrics, `monhook_probes_total{cloud="env",result="success",scenario="synthetic",target="",type="webhook"}`, 1)
	if status, body := fetch(t, sp.URL+"/probe?scenario=nosuch"); status != 400 || !strings.Contains(body, `unknown scenario "nosuch"`) {
		t.Errorf("unknown scenario: %d %q", status, body)
	}
	if status, body := fetch(t, sp.URL+"/probe?scenario=synthetic&cloud=nosuch"); status != 400 || !strings.Contains(body, `cloud "nosuch"`) {
		t.Errorf("unknown cloud: %d %q", status, body)
	}
	assertLabClean(t, lp)
	if code := sp.stop(t); code != 0 {
		t.Errorf("exit %d after SIGTERM, want 0\n%s", code, sp.stderr.String())
	}
}

func TestServeProbeFailsForTheRightReason(t *testing.T) {
	cases := []struct {
		name      string
		labArgs   []string
		serveArgs func(t *testing.T) []string
	}{
		{"notifier stopped", []string{"--no-notifier"}, func(*testing.T) []string { return nil }},
		// Nothing listens on the callback port Monasca is given, as when a
		// firewall drops it.
		{"callback port blocked", nil, func(t *testing.T) []string {
			return []string{"--callback-url", fmt.Sprintf("http://127.0.0.1:%d", freePort(t))}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lp := startLabProcess(t, append([]string{"--speed", e2eSpeed}, c.labArgs...)...)
			sp := startServe(t, lp, c.serveArgs(t)...)
			status, body := fetch(t, sp.URL+"/probe?scenario=synthetic", "X-Prometheus-Scrape-Timeout-Seconds", "15")
			if status != 200 {
				t.Fatalf("a failed probe answers %d, want 200", status)
			}
			wantMetric(t, body, "monhook_probe_success", 0)
			wantMetric(t, body, `monhook_stage_success{stage="alarm"}`, 1)
			wantMetric(t, body, `monhook_stage_success{stage="delivery"}`, 0)
			wantMetric(t, body, `monhook_stage_success{stage="teardown"}`, 1)
			wantMetric(t, body, `monhook_deliveries{result="expected"}`, 0)
			assertLabClean(t, lp)
			if code := sp.stop(t); code != 0 {
				t.Errorf("exit %d after SIGTERM, want 0", code)
			}
		})
	}
}

func TestServeSIGTERMCancelsAProbeInFlightAndTearsDown(t *testing.T) {
	lp := startLabProcess(t, "--speed", e2eSpeed)
	sp := startServe(t, lp, "--drain-timeout", "200ms", "--callback-url", fmt.Sprintf("http://127.0.0.1:%d", freePort(t)))
	type answer struct {
		status int
		body   string
	}
	got := make(chan answer, 1)
	go func() {
		status, body := fetch(t, sp.URL+"/probe?scenario=synthetic", "X-Prometheus-Scrape-Timeout-Seconds", "120")
		got <- answer{status, body}
	}()
	deadline := time.Now().Add(time.Minute)
	for {
		_, m := fetch(t, sp.URL+"/metrics")
		if v, _ := metricValue(m, "monhook_probes_in_flight"); v == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the probe never started")
		}
		time.Sleep(20 * time.Millisecond) // poll interval
	}
	awaitProvisioned(t, lp)
	if code := sp.stop(t); code != 0 {
		t.Errorf("exit %d after SIGTERM, want 0\n%s", code, sp.stderr.String())
	}
	a := <-got
	wantMetric(t, a.body, "monhook_probe_success", 0)
	wantMetric(t, a.body, "monhook_probe_exit_code", 130)
	wantMetric(t, a.body, `monhook_stage_success{stage="teardown"}`, 1)
	assertLabClean(t, lp)
}
