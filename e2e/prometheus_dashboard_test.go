//go:build e2e

package e2e

import (
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"testing"
)

// dashboardPanel is one panel of configs/grafana/monhook-dashboard.json with
// its expression as Grafana would send it ($job all, $window given).
type dashboardPanel struct{ title, expr string }

func dashboardPanels(t *testing.T, window string) []dashboardPanel {
	t.Helper()
	raw, err := os.ReadFile("../configs/grafana/monhook-dashboard.json")
	must(t, err)
	var d struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	must(t, json.Unmarshal(raw, &d))
	var out []dashboardPanel
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			e := strings.NewReplacer(`"$job"`, `".*"`, "$window", window).Replace(tg.Expr)
			if strings.Contains(e, "$") {
				t.Fatalf("panel %q: a variable the test does not know: %s", p.Title, e)
			}
			out = append(out, dashboardPanel{p.Title, e})
		}
	}
	return out
}

// queryResult evaluates expr in Prometheus; it fails the test on an error
// and returns the series' label sets.
func queryResult(t *testing.T, base, expr string) []map[string]string {
	t.Helper()
	status, body := tryFetch(base + "/api/v1/query?query=" + url.QueryEscape(expr))
	var r struct {
		Status, Error string
		Data          struct {
			Result []struct {
				Metric map[string]string
			}
		}
	}
	if status != 200 || json.Unmarshal([]byte(body), &r) != nil || r.Status != "success" {
		t.Fatalf("%s: %d %s", expr, status, body)
	}
	var out []map[string]string
	for _, s := range r.Data.Result {
		out = append(out, s.Metric)
	}
	return out
}

// assertDashboardHasData evaluates every panel against real Prometheus data:
// each answers, and each has data except those named in empty (which must
// have none).
func assertDashboardHasData(t *testing.T, base, window string, empty ...string) {
	t.Helper()
	for _, p := range dashboardPanels(t, window) {
		series := queryResult(t, base, p.expr)
		wantEmpty := false
		for _, e := range empty {
			wantEmpty = wantEmpty || strings.HasPrefix(p.title, e)
		}
		switch {
		case wantEmpty && len(series) > 0:
			t.Errorf("panel %q shows %v, want nothing: %s", p.title, series, p.expr)
		case !wantEmpty && len(series) == 0:
			t.Errorf("panel %q has no data: %s", p.title, p.expr)
		}
	}
}
