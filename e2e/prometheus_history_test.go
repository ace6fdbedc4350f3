//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The dashboard over hours of 1m, 5m and 15m probes: real `monhook serve
// --lab` is scraped once per interval kind, passing and (with
// --lab-no-notifier or --lab-definition-delay 1h) failing at two different
// stages; those samples, serve's own names, labels and
// stamps, are time-shifted into 2.5 hours of history as Prometheus would
// have scraped it every 15s, backfilled with promtool, and every panel is
// range-queried over it as Grafana would (with $window at its default).

const (
	historyScrape = 15 * time.Second // Prometheus' default scrape interval
	historyLength = 150 * time.Minute
	historyWindow = 20 * time.Minute  // the dashboard's default $window
	historyStep   = 30 * time.Second  // Grafana's step for a 2h panel
	failFrom      = 60 * time.Minute  // probes finishing in [failFrom, failTo) fail:
	failSwitch    = 80 * time.Minute  // at delivery (no notifier) before failSwitch,
	failTo        = 100 * time.Minute // at alarm (definition delay) after it
)

// The outcomes of the history's probes, each the name of the serve run
// whose scrape gives its samples, with the lab flags of that run.
var historyOutcomes = map[string][]string{
	"pass":             nil,
	"no-notifier":      {"--lab-no-notifier"},
	"definition-delay": {"--lab-definition-delay", "1h"},
}

// outcome is the outcome of the probe finishing at f.
func outcome(start, f time.Time) string {
	switch d := f.Sub(start); {
	case d >= failFrom && d < failSwitch:
		return "no-notifier"
	case d >= failSwitch && d < failTo:
		return "definition-delay"
	}
	return "pass"
}

// intervalKind is one target probed every interval; its first probe
// finishes phase after the history's start (fractional, so that no probe
// falls on a step or a window edge).
type intervalKind struct {
	target   string
	interval time.Duration
	phase    time.Duration
	scrapes  map[string][]scrapedSample // outcome → serve's /metrics after one such probe
}

type scrapedSample struct {
	name, labels string // labels without braces
	value        float64
	stampMS      int64 // 0: unstamped
	counter      bool
}

var sampleLineRE = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (\d+))?$`)

// scrapeServe reads serve's /metrics once its target has a result.
func scrapeServe(t *testing.T, sp *serveProcess, target string) []scrapedSample {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		status, body := tryFetch(sp.URL + "/metrics")
		if status == 200 && strings.Contains(body, `monhook_probe_success{`) && strings.Contains(body, `target="`+target+`"`) {
			return parseExposition(t, body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve never showed a result for %s: %d %s", target, status, body)
		}
		time.Sleep(100 * time.Millisecond) // poll interval
	}
}

func parseExposition(t *testing.T, body string) []scrapedSample {
	t.Helper()
	counters := map[string]bool{}
	var out []scrapedSample
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if f := strings.Fields(line); len(f) == 4 && f[1] == "TYPE" {
			counters[f[2]] = f[3] == "counter"
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") || !strings.HasPrefix(line, "monhook_") {
			continue // Go and process metrics: no panel reads them
		}
		m := sampleLineRE.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("an exposition line this test cannot read: %q", line)
		}
		v, err := strconv.ParseFloat(m[3], 64)
		must(t, err)
		s := scrapedSample{name: m[1], labels: m[2], value: v, counter: counters[m[1]]}
		if m[4] != "" {
			s.stampMS, err = strconv.ParseInt(m[4], 10, 64)
			must(t, err)
		}
		out = append(out, s)
	}
	return out
}

// probeTimes are kind's probes' finish times in [start, end).
func (k *intervalKind) probeTimes(start, end time.Time) []time.Time {
	var out []time.Time
	for f := start.Add(k.phase); f.Before(end); f = f.Add(k.interval) {
		out = append(out, f)
	}
	return out
}

func probeFails(start, f time.Time) bool { return outcome(start, f) != "pass" }

// latestProbe is the last probe finished by at, and whether there is one.
func (k *intervalKind) latestProbe(start, at time.Time) (time.Time, bool) {
	if at.Before(start.Add(k.phase)) {
		return time.Time{}, false
	}
	n := at.Sub(start.Add(k.phase)) / k.interval
	return start.Add(k.phase + n*k.interval), true
}

// shifted moves a value that is a Unix time (a failed stage's, the last
// probe's) from the scraped probe's finish to f; other values stay.
func shifted(v float64, scrapedFinish, f time.Time) float64 {
	from := float64(scrapedFinish.UnixNano()) / 1e9
	if math.Abs(v-from) < 3600 {
		return v + float64(f.Sub(scrapedFinish).Nanoseconds())/1e9
	}
	return v
}

// scrapedFinish is when the scraped probe finished: its samples' stamp.
func scrapedFinish(t *testing.T, ss []scrapedSample) time.Time {
	for _, s := range ss {
		if s.stampMS != 0 {
			return time.UnixMilli(s.stampMS)
		}
	}
	t.Fatal("the scrape carries no stamped result")
	return time.Time{}
}

// writeHistory writes the OpenMetrics input for promtool: every series as
// Prometheus would hold it after scraping one serve (job monhook) that
// probes every kind's target, from start to end.
func writeHistory(t *testing.T, path string, kinds []*intervalKind, start, end time.Time) {
	t.Helper()
	series := map[string][]string{} // family → lines, each series in time order
	var families []string
	add := func(name, labels string, at time.Time, v float64) {
		if _, ok := series[name]; !ok {
			families = append(families, name)
		}
		l := `job="monhook",instance="serve:10070"`
		if labels != "" {
			l += "," + labels
		}
		series[name] = append(series[name], fmt.Sprintf("%s{%s} %s %.3f", name, l,
			strconv.FormatFloat(v, 'g', -1, 64), float64(at.UnixMilli())/1e3))
	}
	type key struct{ name, labels string }
	for i, k := range kinds {
		finished := map[string]time.Time{}
		for o, ss := range k.scrapes {
			finished[o] = scrapedFinish(t, ss)
		}
		probes := k.probeTimes(start, end)
		// Stamped results: once per probe, at its finish.
		stamped := map[key][][2]float64{}
		var order []key
		for _, f := range probes {
			set, at := k.scrapes[outcome(start, f)], finished[outcome(start, f)]
			for _, s := range set {
				if s.stampMS == 0 {
					continue
				}
				kk := key{s.name, s.labels}
				if _, ok := stamped[kk]; !ok {
					order = append(order, kk)
				}
				stamped[kk] = append(stamped[kk], [2]float64{float64(f.UnixMilli()), shifted(s.value, at, f)})
			}
		}
		for _, kk := range order {
			for _, p := range stamped[kk] {
				add(kk.name, kk.labels, time.UnixMilli(int64(p[0])), p[1])
			}
		}
		// Unstamped: at every scrape, the state after the latest probe;
		// a counter counts the probes so far whose scrape showed it.
		unstamped := map[key]bool{}
		var uorder []key
		for _, o := range []string{"pass", "no-notifier", "definition-delay"} {
			for _, s := range k.scrapes[o] {
				kk := key{s.name, s.labels}
				if s.stampMS == 0 && !unstamped[kk] && (strings.Contains(s.labels, `target="`) || i == 0) {
					unstamped[kk] = true
					uorder = append(uorder, kk)
				}
			}
		}
		find := func(set []scrapedSample, kk key) (scrapedSample, bool) {
			for _, s := range set {
				if s.name == kk.name && s.labels == kk.labels && s.stampMS == 0 {
					return s, true
				}
			}
			return scrapedSample{}, false
		}
		for _, kk := range uorder {
			perTarget := strings.Contains(kk.labels, `target="`)
			for at := start; at.Before(end); at = at.Add(historyScrape) {
				f, ok := k.latestProbe(start, at)
				if perTarget && !ok {
					continue
				}
				set, setAt := k.scrapes["pass"], finished["pass"]
				if ok {
					set, setAt = k.scrapes[outcome(start, f)], finished[outcome(start, f)]
				}
				s, present := find(set, kk)
				if s.counter && perTarget {
					n := 0
					for _, p := range probes {
						if _, in := find(k.scrapes[outcome(start, p)], kk); in && !p.After(at) {
							n++
						}
					}
					if n > 0 {
						add(kk.name, kk.labels, at, float64(n))
					}
					continue
				}
				if !present {
					if !perTarget { // exporter-wide: from the passing scrape
						s, _ = find(k.scrapes["pass"], kk)
					} else {
						continue
					}
				}
				add(kk.name, kk.labels, at, shifted(s.value, setAt, f))
			}
		}
	}
	var b strings.Builder
	for _, name := range families {
		fmt.Fprintf(&b, "# TYPE %s unknown\n", name)
		lines := series[name]
		// promtool wants each series' samples in time order; lines of one
		// series were appended in order, so a stable sort by labels keeps it.
		sort.SliceStable(lines, func(i, j int) bool {
			return lines[i][:strings.LastIndexByte(lines[i], '}')] < lines[j][:strings.LastIndexByte(lines[j], '}')]
		})
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
	}
	b.WriteString("# EOF\n")
	must(t, os.WriteFile(path, []byte(b.String()), 0o644))
}

type rangeSeries struct {
	metric map[string]string
	points map[int64]string // Unix seconds → value
}

func queryRange(t *testing.T, base, expr string, start, end time.Time, step time.Duration) []rangeSeries {
	t.Helper()
	u := fmt.Sprintf("%s/api/v1/query_range?query=%s&start=%d&end=%d&step=%d", base, url.QueryEscape(expr),
		start.Unix(), end.Unix(), int(step.Seconds()))
	status, body := tryFetch(u)
	var r struct {
		Status string
		Data   struct {
			Result []struct {
				Metric map[string]string
				Values [][2]any
			}
		}
	}
	if status != 200 || json.Unmarshal([]byte(body), &r) != nil || r.Status != "success" {
		t.Fatalf("%s: %d %s", expr, status, body)
	}
	var out []rangeSeries
	for _, s := range r.Data.Result {
		rs := rangeSeries{metric: s.Metric, points: map[int64]string{}}
		for _, v := range s.Values {
			rs.points[int64(v[0].(float64))] = fmt.Sprint(v[1])
		}
		out = append(out, rs)
	}
	return out
}

func TestDashboardOverHoursOf1m5m15mProbes(t *testing.T) {
	requirePrometheus(t)
	if _, err := exec.LookPath("promtool"); err != nil {
		if os.Getenv("MONHOOK_E2E_PROMETHEUS") == "1" {
			t.Fatal("MONHOOK_E2E_PROMETHEUS=1 but promtool is missing (apt-get install prometheus)")
		}
		t.Skip("promtool not installed")
	}
	kinds := []*intervalKind{
		{target: "every-1m", interval: time.Minute, phase: 7300 * time.Millisecond},
		{target: "every-5m", interval: 5 * time.Minute, phase: 133300 * time.Millisecond},
		{target: "every-15m", interval: 15 * time.Minute, phase: 660300 * time.Millisecond},
	}
	for _, k := range kinds {
		k.scrapes = map[string][]scrapedSample{}
	}
	// One serve per kind and outcome, each probing its single target at
	// once (several targets in one serve would be spread over a minute).
	type run struct {
		k       *intervalKind
		outcome string
		sp      *serveProcess
	}
	var runs []run
	dir := t.TempDir()
	for _, k := range kinds {
		for o, flags := range historyOutcomes {
			cfg := filepath.Join(dir, fmt.Sprintf("%s-%s.yaml", k.target, o))
			// A failing probe waits for a webhook that never comes: a short
			// timeout ends it in seconds.
			must(t, os.WriteFile(cfg, []byte(fmt.Sprintf("serve:\n  targets:\n    - scenario: synthetic\n      name: %s\n      interval: %s\n      timeout: 3s\n", k.target, k.interval)), 0o644))
			runs = append(runs, run{k, o, startServeEnv(t, baseEnv(), append([]string{"--lab", "--config", cfg}, flags...)...)})
		}
	}
	for _, r := range runs {
		ss := scrapeServe(t, r.sp, r.k.target)
		success := ""
		for _, s := range ss {
			if s.name == "monhook_probe_success" {
				success = strconv.FormatFloat(s.value, 'g', -1, 64)
			}
		}
		if want := map[bool]string{true: "1", false: "0"}[r.outcome == "pass"]; success != want {
			t.Fatalf("serve for outcome %s scraped monhook_probe_success %q, want %s", r.outcome, success, want)
		}
		r.k.scrapes[r.outcome] = ss
	}

	end := time.Now().Truncate(time.Minute).Add(-5 * time.Minute)
	start := end.Add(-historyLength)
	om := filepath.Join(dir, "history.om")
	writeHistory(t, om, kinds, start, end)
	data := filepath.Join(dir, "data")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "promtool", "tsdb", "create-blocks-from", "openmetrics", om, data).CombinedOutput(); err != nil {
		t.Fatalf("promtool backfill: %v\n%s", err, out)
	}
	base := startPrometheusOn(t, "global:\n  scrape_interval: 15s\n", data)

	// From the first probe of the slowest kind on, every step.
	from := start.Add(15 * time.Minute)
	var steps []time.Time
	for at := from; !at.After(end); at = at.Add(historyStep) {
		steps = append(steps, at)
	}
	window := fmt.Sprintf("%dm", int(historyWindow.Minutes()))
	failSteps := 0
	for _, p := range dashboardPanels(t, window) {
		got := queryRange(t, base, p.expr, from, end, historyStep)
		switch {
		case strings.HasPrefix(p.title, "Notifications delivered"), strings.HasPrefix(p.title, "Probe success over time"):
			// The latest probe's verdict at every step: 0 throughout a
			// failing stretch, 1 elsewhere.
			for _, k := range kinds {
				pts := targetPoints(t, p.title, got, k.target)
				failing := 0
				for _, at := range steps {
					f, _ := k.latestProbe(start, at)
					if probeFails(start, f) {
						failing++
					}
				}
				t.Logf("panel %q, %s: %d steps, %d of them failing", p.title, k.target, len(steps), failing)
				for _, at := range steps {
					f, _ := k.latestProbe(start, at)
					want := "1"
					if probeFails(start, f) {
						want = "0"
						failSteps++
					}
					if v, ok := pts[at.Unix()]; v != want {
						t.Errorf("panel %q, %s at +%s: %q (present %v), want %s", p.title, k.target, at.Sub(start), v, ok, want)
					}
				}
			}
		case strings.HasPrefix(p.title, "Probe duration"):
			for _, k := range kinds {
				assertEveryStep(t, p.title+" "+k.target, targetPoints(t, p.title, got, k.target), steps)
			}
		case strings.HasPrefix(p.title, "Delivery latency"):
			// Absent when no notification arrived: present exactly while a
			// passing probe finished within the window.
			for _, k := range kinds {
				pts := targetPoints(t, p.title, got, k.target)
				for _, at := range steps {
					want := false
					for _, f := range k.probeTimes(start, at.Add(time.Millisecond)) {
						want = want || (!probeFails(start, f) && at.Sub(f) < historyWindow)
					}
					if _, ok := pts[at.Unix()]; ok != want {
						t.Errorf("panel %q, %s at +%s: present %v, want %v", p.title, k.target, at.Sub(start), ok, want)
					}
				}
			}
		case strings.HasPrefix(p.title, "Failed stage"):
			// Only while the target's latest probe failed, one series per
			// target naming that probe's stage (delivery, then alarm),
			// never one from another target's probe or an earlier one.
			failedStage := func(ss []scrapedSample) string {
				for _, s := range ss {
					if s.name == "monhook_probe_failed_stage" {
						return regexp.MustCompile(`stage="([^"]*)"`).FindStringSubmatch(s.labels)[1]
					}
				}
				return ""
			}
			for _, k := range kinds {
				if a, b := failedStage(k.scrapes["no-notifier"]), failedStage(k.scrapes["definition-delay"]); a == b || a == "" || b == "" {
					t.Fatalf("the two failing runs failed at stages %q and %q; want two different ones", a, b)
				}
				for _, at := range steps {
					f, _ := k.latestProbe(start, at)
					var stages []string
					for _, s := range got {
						if s.metric["target"] != k.target {
							continue
						}
						if _, ok := s.points[at.Unix()]; ok {
							stages = append(stages, s.metric["stage"])
						}
					}
					want := []string(nil)
					if probeFails(start, f) {
						want = []string{failedStage(k.scrapes[outcome(start, f)])}
					}
					if fmt.Sprint(stages) != fmt.Sprint(want) {
						t.Errorf("panel %q, %s at +%s: stages %v, want %v", p.title, k.target, at.Sub(start), stages, want)
					}
				}
			}
			for _, s := range got {
				if s.metric["target"] == "" {
					t.Errorf("panel %q: a series of no target: %v", p.title, s.metric)
				}
			}
		case strings.HasPrefix(p.title, "Stage durations"), strings.HasPrefix(p.title, "Deliveries by result"),
			strings.HasPrefix(p.title, "Probes per hour"), strings.HasPrefix(p.title, "Leftovers"),
			strings.HasPrefix(p.title, "Probes in flight"):
			// Aggregates over every target: some series at every step.
			union := map[int64]string{}
			for _, s := range got {
				for ts, v := range s.points {
					union[ts] = v
				}
			}
			assertEveryStep(t, p.title, union, steps)
		default:
			t.Errorf("panel %q: this test does not know what it should show at 1m, 5m and 15m; teach it", p.title)
		}
	}
	if failSteps == 0 {
		t.Error("the history has no failing stretch")
	}

	// The control: with the dashboard's shortest $window (2m), a 5m or 15m
	// target vanishes between probes, the gap the default window closes.
	for _, p := range dashboardPanels(t, "2m") {
		if !strings.HasPrefix(p.title, "Probe success over time") {
			continue
		}
		got := queryRange(t, base, p.expr, from, end, historyStep)
		for _, k := range kinds {
			pts := targetPoints(t, p.title, got, k.target)
			gap := len(steps) - len(pts)
			t.Logf("$window 2m, %s: missing at %d of %d steps", k.target, gap, len(steps))
			if (gap > 0) != (k.interval > 2*time.Minute) {
				t.Errorf("$window 2m, %s: missing at %d of %d steps; want gaps only above a 2m interval", k.target, gap, len(steps))
			}
		}
	}
}

// targetPoints is the one series of target in a per-target panel.
func targetPoints(t *testing.T, title string, got []rangeSeries, target string) map[int64]string {
	t.Helper()
	var out map[int64]string
	for _, s := range got {
		if s.metric["target"] == target {
			if out != nil {
				t.Errorf("panel %q: two series for %s: %v", title, target, s.metric)
			}
			out = s.points
		}
	}
	if out == nil {
		t.Errorf("panel %q: no series for %s", title, target)
		return map[int64]string{}
	}
	return out
}

func assertEveryStep(t *testing.T, what string, pts map[int64]string, steps []time.Time) {
	t.Helper()
	missing := 0
	for _, at := range steps {
		if _, ok := pts[at.Unix()]; !ok {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%s: no data at %d of %d steps", what, missing, len(steps))
	}
}
