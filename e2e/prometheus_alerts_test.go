//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// ruleScale divides every time constant of the shipped alert rules for the
// e2e: 15m windows become 15s. See scaleRuleDurations.
const ruleScale = 60

var (
	ruleRangeRE = regexp.MustCompile(`\[(\d+)([smh])\]`)
	ruleForRE   = regexp.MustCompile(`(?m)^(\s+for:\s*)(\d+)([smh])\s*$`)
)

// scaleRuleDurations is the documented test override of
// configs/prometheus/monhook-alerts.yml (see its header and RUNBOOK.md):
// every PromQL range [N unit] and every `for: N unit` divided by factor.
// Nothing else in the rules depends on wall time, so the rules Prometheus
// evaluates here are the shipped ones on a faster clock.
func scaleRuleDurations(t *testing.T, rules string, factor int) string {
	t.Helper()
	scale := func(n, unit string) string {
		var v int
		fmt.Sscan(n, &v)
		d := time.Duration(v) * map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour}[unit] / time.Duration(factor)
		if d < time.Second || d%time.Second != 0 {
			t.Fatalf("rule duration %s%s / %d = %s: not whole seconds", n, unit, factor, d)
		}
		return fmt.Sprintf("%ds", int(d/time.Second))
	}
	rules = ruleRangeRE.ReplaceAllStringFunc(rules, func(m string) string {
		p := ruleRangeRE.FindStringSubmatch(m)
		return "[" + scale(p[1], p[2]) + "]"
	})
	return ruleForRE.ReplaceAllStringFunc(rules, func(m string) string {
		p := ruleForRE.FindStringSubmatch(m)
		return p[1] + scale(p[2], p[3])
	})
}

// switchableProxy forwards TCP connections to a backend while open; closed,
// its port refuses connections and the open ones are cut (a stopped
// service, a firewall), keep-alive connections included.
type switchableProxy struct {
	addr, backend string
	mu            sync.Mutex
	ln            net.Listener
	conns         map[net.Conn]bool
}

func newSwitchableProxy(t *testing.T, backend string) *switchableProxy {
	p := &switchableProxy{addr: fmt.Sprintf("127.0.0.1:%d", freePort(t)), backend: backend}
	p.open(t)
	t.Cleanup(p.close)
	return p
}

func (p *switchableProxy) open(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	must(t, err)
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if !p.track(c) {
				c.Close()
				return
			}
			go func() {
				defer p.untrack(c)
				b, err := net.Dial("tcp", p.backend)
				if err != nil {
					return
				}
				if !p.track(b) {
					b.Close()
					return
				}
				defer p.untrack(b)
				go func() { _, _ = io.Copy(b, c); b.Close() }()
				_, _ = io.Copy(c, b)
			}()
		}
	}()
}

// track registers an open connection; false once the proxy is closed.
func (p *switchableProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil {
		return false
	}
	if p.conns == nil {
		p.conns = map[net.Conn]bool{}
	}
	p.conns[c] = true
	return true
}

func (p *switchableProxy) untrack(c net.Conn) {
	c.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.conns, c)
}

func (p *switchableProxy) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

type promAlert struct {
	Labels   map[string]string `json:"labels"`
	State    string            `json:"state"`
	ActiveAt time.Time         `json:"activeAt"`
}

// alertsNamed lists the alerts of that name Prometheus has now.
func alertsNamed(t *testing.T, base, name string) []promAlert {
	t.Helper()
	status, body := tryFetch(base + "/api/v1/alerts")
	if status != 200 {
		return nil
	}
	var r struct {
		Data struct{ Alerts []promAlert }
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("alerts API answer %q: %v", body, err)
	}
	var out []promAlert
	for _, a := range r.Data.Alerts {
		if a.Labels["alertname"] == name {
			out = append(out, a)
		}
	}
	return out
}

// awaitFiring waits until exactly one MonhookProbeFailing fires and returns it.
func awaitFiring(t *testing.T, base, phase string) promAlert {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		as := alertsNamed(t, base, "MonhookProbeFailing")
		if len(as) == 1 && as[0].State == "firing" {
			return as[0]
		}
		if len(as) > 1 {
			t.Fatalf("%s: %d MonhookProbeFailing alerts, want one: %+v", phase, len(as), as)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: MonhookProbeFailing did not fire within 2 minutes: %+v", phase, as)
		}
		time.Sleep(250 * time.Millisecond) // poll interval
	}
}

// awaitResolved waits until no MonhookProbeFailing is pending or firing.
func awaitResolved(t *testing.T, base, phase string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for len(alertsNamed(t, base, "MonhookProbeFailing")) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%s: MonhookProbeFailing did not resolve within 2 minutes of recovery", phase)
		}
		time.Sleep(250 * time.Millisecond) // poll interval
	}
}

// stopProcess sends sig and waits for the process to end.
func stopProcess(t *testing.T, done <-chan error, signal func() error) {
	t.Helper()
	must(t, signal())
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the process did not end")
	}
}

// The shipped rules in a real Prometheus, through the faults an operator
// meets: a dead notifier, a dead Monasca API, a closed callback port. For
// each, MonhookProbeFailing fires once, names the stage, holds through a
// serve restart (kill -9 in the last phase), and resolves after recovery;
// SIGHUP reloads serve mid-fault without killing it; the restarted serve,
// with no sweep flags, leaves nothing in the lab.
func TestPrometheusAlertsFireNameTheStageAndResolve(t *testing.T) {
	requirePrometheus(t)
	started := time.Now()
	labAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	lp := startLabProcess(t, "--speed", e2eSpeed, "--listen", labAddr)
	api := newSwitchableProxy(t, labAddr)
	receiverAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	callback := newSwitchableProxy(t, receiverAddr)
	cfgFile := filepath.Join(t.TempDir(), "monhook.yaml")
	must(t, os.WriteFile(cfgFile, []byte("serve:\n  drain-timeout: 1s\n"), 0o644))
	// Prometheus names the cloud (target=lab), a clouds.yaml entry; the
	// Monasca API is reached through the switchable proxy.
	clouds := lp.cloudsFile(t, "lab")
	env := append(baseEnv(), "OS_CLIENT_CONFIG_FILE="+clouds, "MONASCA_API_URL=http://"+api.addr+"/monitoring")
	serveArgs := []string{"--config", cfgFile, "--receiver-listen", receiverAddr,
		"--callback-url", "http://" + callback.addr, "--probe-timeout", "10s"}
	sp := startServeEnv(t, env, serveArgs...)
	host := strings.TrimPrefix(sp.URL, "http://")

	raw, err := os.ReadFile("../configs/prometheus/monhook-alerts.yml")
	must(t, err)
	rules := filepath.Join(t.TempDir(), "monhook-alerts.yml")
	must(t, os.WriteFile(rules, []byte(scaleRuleDurations(t, string(raw), ruleScale)), 0o644))
	base := startPrometheus(t, fmt.Sprintf(`global:
  scrape_interval: 3s
  scrape_timeout: 3s
  evaluation_interval: 1s
rule_files:
  - %[2]s
scrape_configs:
  - job_name: monhook-probe
    metrics_path: /probe
    params:
      module: [synthetic]
    static_configs:
      - targets: [lab]
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: %[1]s
`, host, rules))
	awaitSuccess := func(phase string) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Minute)
		for {
			v := queryValue(t, base, `probe_success{job="monhook-probe",instance="lab"}`)
			if len(v) == 1 && v[0] == "1" {
				return
			}
			if time.Now().After(deadline) {
				_, targets := tryFetch(base + "/api/v1/targets")
				t.Fatalf("%s: Prometheus never read probe_success 1 (last %v)\ntargets: %s", phase, v, targets)
			}
			time.Sleep(250 * time.Millisecond) // poll interval
		}
	}
	awaitSuccess("healthy")

	type fault struct {
		name          string
		stages        []string // the stage the alert may name
		inject, clear func()
		restartServe  func()
	}
	restartTerm := func() {
		if code := sp.stop(t); code != 0 {
			t.Errorf("serve exit %d after SIGTERM", code)
		}
		sp = startServeEnv(t, env, append(serveArgs, "--listen", host)...)
	}
	restartKill := func() {
		// kill -9 with a probe in flight (the callback is closed, so
		// it waits for a delivery): its resources stay in the lab, and
		// the restarted serve, with the same flags, must sweep them.
		awaitInFlight(t, sp)
		if labClean(t, lp) {
			t.Fatal("a probe is in flight but the lab holds none of its resources")
		}
		stopProcess(t, sp.done, func() error { return sp.cmd.Process.Signal(syscall.SIGKILL) })
		sp = startServeEnv(t, env, append(serveArgs, "--listen", host)...)
	}
	faults := []fault{
		{name: "dead notifier", stages: []string{"delivery"},
			inject: func() {
				stopLab(t, lp)
				lp = startLabProcess(t, "--speed", e2eSpeed, "--listen", labAddr, "--no-notifier")
			},
			clear: func() {
				stopLab(t, lp)
				lp = startLabProcess(t, "--speed", e2eSpeed, "--listen", labAddr)
			},
			restartServe: restartTerm},
		{name: "dead API", stages: []string{"preflight", "notification-method"},
			inject: api.close, clear: func() { api.open(t) }, restartServe: restartTerm},
		{name: "closed callback", stages: []string{"delivery"},
			inject: callback.close, clear: func() { callback.open(t) }, restartServe: restartKill},
	}
	for _, f := range faults {
		f.inject()
		a := awaitFiring(t, base, f.name)
		t.Logf("%s: MonhookProbeFailing fires naming stage %s", f.name, a.Labels["stage"])
		// The dashboard's failed-stage panel names the same stage.
		for _, p := range dashboardPanels(t, "15s") {
			if strings.HasPrefix(p.title, "Failed stage") {
				if got := queryResult(t, base, p.expr); len(got) != 1 || got[0]["stage"] != a.Labels["stage"] {
					t.Errorf("%s: panel %q shows %v, want one series with stage %s", f.name, p.title, got, a.Labels["stage"])
				}
			}
		}
		if !slices.Contains(f.stages, a.Labels["stage"]) {
			t.Errorf("%s: the alert names stage %q, want one of %v: %v", f.name, a.Labels["stage"], f.stages, a.Labels)
		}
		// SIGHUP mid-fault, a probe likely in flight: serve reloads and
		// keeps serving.
		must(t, sp.cmd.Process.Signal(syscall.SIGHUP))
		awaitLog(t, sp, "SIGHUP: configuration reloaded")
		f.restartServe()
		// Through the restart and a few evaluations after it, the same
		// alert keeps firing: never resolved, never a second one.
		until := time.Now().Add(8 * time.Second)
		for time.Now().Before(until) {
			as := alertsNamed(t, base, "MonhookProbeFailing")
			if len(as) != 1 || as[0].State != "firing" || !as[0].ActiveAt.Equal(a.ActiveAt) {
				t.Fatalf("%s: across the serve restart the alert changed: %+v, was %+v", f.name, as, a)
			}
			time.Sleep(500 * time.Millisecond) // poll interval
		}
		f.clear()
		awaitSuccess(f.name + " cleared")
		awaitResolved(t, base, f.name)
	}

	// The kill -9's leftovers are swept by the restarted serve, with no
	// sweep flag at all: once they are as old as its longest run (the 10s
	// --probe-timeout plus 40s for teardown), at its next sweep (every
	// minute by default).
	deadline := time.Now().Add(150 * time.Second)
	for !labClean(t, lp) {
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second) // poll interval
	}
	if code := sp.stop(t); code != 0 {
		t.Errorf("serve exit %d after SIGTERM", code)
	}
	assertLabClean(t, lp)
	if !strings.Contains(sp.stderr.String(), "sweep: deleted a leftover") {
		t.Errorf("the restarted serve logged no sweep:\n%s", sp.stderr.String())
	}
	t.Logf("took %s", time.Since(started).Round(time.Second))
}

// stopLab stops a lab process (SIGTERM) and waits for it to end, so that
// its port is free for the next one.
func stopLab(t *testing.T, lp *labProcess) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- lp.cmd.Wait() }()
	stopProcess(t, done, func() error { return lp.cmd.Process.Signal(syscall.SIGTERM) })
}

// awaitLog waits until serve's stderr contains s.
func awaitLog(t *testing.T, sp *serveProcess, s string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(sp.stderr.String(), s) {
		select {
		case err := <-sp.done:
			t.Fatalf("serve exited (%v) waiting for %q:\n%s", err, s, sp.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve never logged %q:\n%s", s, sp.stderr.String())
		}
		time.Sleep(50 * time.Millisecond) // poll interval
	}
}

// awaitInFlight waits until serve has a probe in flight.
func awaitInFlight(t *testing.T, sp *serveProcess) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		_, body := tryFetch(sp.URL + "/metrics")
		if v, ok := metricValue(body, "monhook_probes_in_flight"); ok && v >= 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no probe in flight within a minute")
		}
		time.Sleep(20 * time.Millisecond) // poll interval
	}
}

// labClean reports whether cleanup --dry-run finds nothing in the lab.
func labClean(t *testing.T, lp *labProcess) bool {
	t.Helper()
	r := runMonhook(t, lp.Env(), "cleanup", "--dry-run", "-o", "json")
	left, err := cleanupResources(r.Stdout)
	return r.Code == 0 && err == nil && len(left) == 0
}
