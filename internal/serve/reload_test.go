package serve

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// configSource is a reloadable configuration a test can change.
type configSource struct {
	mu  sync.Mutex
	cfg Config
}

func (c *configSource) set(cfg Config) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cfg = cfg
}

func (c *configSource) load() (Config, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cfg, nil
}

func TestReloadValidatesFirstAndNeverKillsARunInFlight(t *testing.T) {
	l := startLab(t)
	base := Config{Listen: "127.0.0.1:0", ReceiverListen: "127.0.0.1:0", Speed: labSpeed, CallbackURL: unreachableCallback}
	src := &configSource{cfg: base}
	s, err := New(Options{Config: base, Resolve: l.resolve, Load: src.load})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })

	// A probe in flight (it waits for a delivery that cannot come).
	done := make(chan answer, 1)
	go func() { done <- get(t, probeURL(s, "synthetic"), scrapeTimeoutHeader, "6") }()
	awaitMetric(t, s, "a probe in flight", func(m map[string]*dto.MetricFamily) bool {
		return mustValue(t, m, "monhook_probes_in_flight") == 1
	})

	// A bad file: refused over HTTP with the reason, nothing changes.
	bad := base
	bad.Targets = []Target{{Scenario: "nosuch"}}
	src.set(bad)
	a := post(t, s.URL()+"/-/reload")
	if a.status != http.StatusBadRequest || !strings.Contains(a.body, "serve.targets[0].scenario") || !strings.Contains(a.body, "the running one stays") {
		t.Errorf("bad reload: %d %q, want 400 naming serve.targets[0].scenario", a.status, a.body)
	}
	if n := len(s.Config().Targets); n != 0 {
		t.Errorf("a refused reload changed the targets (%d)", n)
	}

	// A good one: a target is added, the callback is fixed; the run in
	// flight is not touched.
	good := base
	good.CallbackURL = ""
	good.Targets = []Target{{Name: "t1", Scenario: "synthetic", Interval: time.Second}}
	good.Listen = "127.0.0.1:1" // cannot change live: kept, and said so
	src.set(good)
	a = post(t, s.URL()+"/-/reload")
	if a.status != 200 || !strings.Contains(a.body, "serve.listen changes at the next restart") {
		t.Errorf("good reload: %d %q", a.status, a.body)
	}
	if s.Config().CallbackURL != "" || len(s.Config().Targets) != 1 || !strings.HasPrefix(s.URL(), "http://127.0.0.1:") || s.Config().Listen == "127.0.0.1:1" {
		t.Errorf("after reload: %+v at %s", s.Config(), s.URL())
	}
	first := <-done
	mfs := parseMetrics(t, first.body)
	if v := mustValue(t, mfs, "monhook_stage_success", "stage", "delivery"); v != 0 {
		t.Errorf("the run in flight: delivery %v, want its own failure (unreachable callback)", v)
	}
	if _, ok := sample(mfs, "monhook_stage_success", "stage", "teardown"); !ok {
		t.Errorf("the run in flight did not tear down:\n%s", first.body)
	}
	exp := parseMetrics(t, get(t, s.URL()+"/metrics").body)
	if v := sumValues(exp, "monhook_probes_total", "result", "interrupted"); v != 0 {
		t.Errorf("a reload interrupted %v runs", v)
	}
	if v := mustValue(t, exp, "monhook_config_reloads_total", "result", "error"); v != 1 {
		t.Errorf("reloads{error} = %v", v)
	}
	// The new target probes with the new callback, and succeeds.
	awaitMetric(t, s, "the reloaded target's first success", func(m map[string]*dto.MetricFamily) bool {
		mm, ok := sample(m, "monhook_probe_success", "target", "t1")
		return ok && value(mm) == 1
	})
	// Removing it stops its schedule; its series leave /metrics.
	src.set(base)
	if _, err := s.ReloadFromSource(); err != nil {
		t.Fatal(err)
	}
	awaitMetric(t, s, "the removed target gone", func(m map[string]*dto.MetricFamily) bool {
		_, ok := sample(m, "monhook_target_interval_seconds", "target", "t1")
		return !ok
	})
	if err := s.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	l.assertClean(t)
}

func post(t *testing.T, url string) answer {
	t.Helper()
	resp, err := http.Post(url, "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return answer{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: b.String()}
}
