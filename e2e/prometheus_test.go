//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/syncbuf"
)

// The Prometheus tier runs Debian's real prometheus (2.42 in Debian 12)
// against `monhook serve`. It is skipped unless /usr/bin/prometheus exists,
// or MONHOOK_E2E_PROMETHEUS=1 (then a missing binary fails).

const prometheusBin = "/usr/bin/prometheus"

func requirePrometheus(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(prometheusBin); err != nil {
		if os.Getenv("MONHOOK_E2E_PROMETHEUS") == "1" {
			t.Fatalf("MONHOOK_E2E_PROMETHEUS=1 but %s is missing (apt-get install prometheus)", prometheusBin)
		}
		t.Skipf("%s not installed (apt-get install prometheus; MONHOOK_E2E_PROMETHEUS=1 makes this a failure)", prometheusBin)
	}
}

// startPrometheus runs prometheus with the given config on a free loopback
// port and returns its base URL once it is ready.
func startPrometheus(t *testing.T, config string) string {
	t.Helper()
	return startPrometheusOn(t, config, filepath.Join(t.TempDir(), "data"))
}

// startPrometheusOn is startPrometheus on a given TSDB directory (one
// promtool backfilled, say).
func startPrometheusOn(t *testing.T, config, data string) string {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	must(t, os.WriteFile(cfg, []byte(config), 0o644))
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	cmd := exec.Command(prometheusBin, "--config.file="+cfg, "--storage.tsdb.path="+data,
		"--web.listen-address="+addr, "--log.level=warn")
	logs := &syncbuf.Buffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	must(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("prometheus log:\n%s", logs.String())
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("prometheus exited: %v\n%s", err, logs.String())
		default:
		}
		if status, _ := tryFetch(base + "/-/ready"); status == 200 {
			return base
		}
		time.Sleep(100 * time.Millisecond) // poll interval
	}
	t.Fatalf("prometheus not ready within a minute:\n%s", logs.String())
	return ""
}

// tryFetch is fetch for a server that may not answer yet.
func tryFetch(u string) (int, string) {
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(u)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// queryValue asks Prometheus' query API for an instant vector and returns
// the values of its samples.
func queryValue(t *testing.T, base, query string) []string {
	t.Helper()
	status, body := tryFetch(base + "/api/v1/query?query=" + url.QueryEscape(query))
	if status != 200 {
		return nil
	}
	var r struct {
		Status string
		Data   struct {
			Result []struct {
				Value [2]any `json:"value"`
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil || r.Status != "success" {
		t.Fatalf("query API answer %q: %v", body, err)
	}
	var out []string
	for _, s := range r.Data.Result {
		out = append(out, fmt.Sprint(s.Value[1]))
	}
	return out
}

func TestRealPrometheusScrapesServeAndReadsSuccess(t *testing.T) {
	requirePrometheus(t)
	lp := startLabProcess(t, "--speed", e2eSpeed)
	cfgFile := filepath.Join(t.TempDir(), "monhook.yaml")
	must(t, os.WriteFile(cfgFile, []byte("serve:\n  targets:\n    - cloud: lab\n      scenario: synthetic\n      interval: 2s\n      name: lab-synthetic\n"), 0o644))
	// The multi-target pattern: Prometheus names a clouds.yaml entry.
	clouds := lp.cloudsFile(t, "lab")
	sp := startServeEnv(t, append(baseEnv(), "OS_CLIENT_CONFIG_FILE="+clouds), "--config", cfgFile)
	host := strings.TrimPrefix(sp.URL, "http://")

	// Both modes from configs/prometheus: /probe per scrape, and /metrics
	// with the scheduled target's stamped last result.
	rules, err := filepath.Abs("../configs/prometheus/monhook-alerts.yml")
	must(t, err)
	base := startPrometheus(t, fmt.Sprintf(`global:
  scrape_interval: 2s
  scrape_timeout: 2s
  evaluation_interval: 1s
rule_files:
  - %[2]s
scrape_configs:
  - job_name: monhook-probe
    metrics_path: /probe
    params:
      scenario: [synthetic]
    static_configs:
      - targets: [lab]
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_cloud
      - source_labels: [__param_cloud]
        target_label: instance
      - target_label: __address__
        replacement: %[1]s
  - job_name: monhook
    static_configs:
      - targets: ['%[1]s']
`, host, rules))

	queries := []string{
		`monhook_probe_success{job="monhook-probe",instance="lab"}`,
		`last_over_time(monhook_probe_success{job="monhook",target="lab-synthetic"}[1m])`,
	}
	deadline := time.Now().Add(2 * time.Minute)
	for _, q := range queries {
		for {
			v := queryValue(t, base, q)
			if len(v) == 1 && v[0] == "1" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("Prometheus never read %s as 1 (last answer %v)", q, v)
			}
			time.Sleep(200 * time.Millisecond) // poll interval
		}
	}
	if v := queryValue(t, base, `sum(monhook_probes_total{job="monhook",result="success"})`); len(v) != 1 || v[0] == "0" {
		t.Errorf("exporter counters through Prometheus: %v", v)
	}
	assertRulesHealthyAndQuiet(t, base)
	// Every dashboard panel shows real data for a scheduled target and a
	// /probe job; none names a failed stage while every probe passes.
	assertDashboardHasData(t, base, "1m", "Failed stage")
	if code := sp.stop(t); code != 0 {
		t.Errorf("serve exit %d after SIGTERM", code)
	}
	assertLabClean(t, lp)
}

// assertRulesHealthyAndQuiet checks that the shipped alert rules load into
// the real Prometheus, evaluate without error against serve's metrics, and
// that none fires while every probe succeeds.
func assertRulesHealthyAndQuiet(t *testing.T, base string) {
	t.Helper()
	since := time.Now() // the results are in Prometheus by now
	deadline := since.Add(time.Minute)
	for {
		status, body := tryFetch(base + "/api/v1/rules?type=alert")
		var r struct {
			Data struct {
				Groups []struct {
					Rules []struct {
						Name, Health, State, LastError string
						LastEvaluation                 time.Time
					}
				}
			}
		}
		if status == 200 && json.Unmarshal([]byte(body), &r) == nil && len(r.Data.Groups) == 1 {
			rules := r.Data.Groups[0].Rules
			evaluated := len(rules) == 5
			for _, rule := range rules {
				if rule.Health == "unknown" || !rule.LastEvaluation.After(since) {
					evaluated = false
				}
			}
			if evaluated {
				for _, rule := range rules {
					if rule.Health != "ok" || rule.State != "inactive" {
						t.Errorf("alert %s: health %s (%s), state %s; want ok and inactive while probes pass", rule.Name, rule.Health, rule.LastError, rule.State)
					}
				}
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the alert rules were not all evaluated within a minute: %d %s", status, body)
		}
		time.Sleep(200 * time.Millisecond) // poll interval
	}
}
