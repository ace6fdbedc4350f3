package serve

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// scrapeTimeoutHeader is how Prometheus tells a target its scrape timeout.
const scrapeTimeoutHeader = "X-Prometheus-Scrape-Timeout-Seconds"

// handleProbe runs one check and answers its metrics. A failed probe is data
// (200 with monhook_probe_success 0); only bad parameters are 400.
func (s *Server) handleProbe(w http.ResponseWriter, req *http.Request) {
	q, err := probeParams(req.URL.Query())
	if err != nil {
		s.badRequest(w, "bad-parameter", "%v", err)
		return
	}
	name := q.scenario
	if name == "" {
		s.badRequest(w, "missing-scenario", "missing parameter scenario (one of %s)", strings.Join(scenarioNames(), ", "))
		return
	}
	sc, err := lookupScenario(name)
	if err != nil {
		s.badRequest(w, "unknown-scenario", "unknown scenario %q (one of %s)", name, strings.Join(scenarioNames(), ", "))
		return
	}
	if q.hostname != "" && !sc.NeedsAgent() {
		// As a target's hostname key: a typo'd scenario must not pass
		// silently as a probe of the host.
		s.badRequest(w, "bad-hostname", "hostname=%q: scenario %s posts its own metric and watches no agent host", q.hostname, sc.Name)
		return
	}
	typ := q.typ
	if err := s.Config().checkType("type", typ); err != nil {
		s.badRequest(w, "bad-type", "type: %s", err.(*ConfigError).Msg)
		return
	}
	typ = typeLabel(typ)
	cloud := q.cloud
	if cloud == "" {
		cloud = s.Config().DefaultCloud
	}
	connect, err := s.conns.get(cloud)
	if err != nil {
		s.badRequest(w, "unknown-cloud", "cloud %q: %v", cloud, err)
		return
	}
	timeout, err := s.probeTimeout(req)
	if err != nil {
		s.badRequest(w, "bad-timeout", "%v", err)
		return
	}
	ctx, cancel := context.WithTimeout(req.Context(), timeout)
	defer cancel()
	r, err := s.probe(ctx, probeSpec{key: probeKey(cloud, name, q.hostname, typ), cloud: cloud, scenario: sc, hostname: q.hostname, connect: connect, typ: typ})
	switch {
	case errors.Is(err, errDraining):
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	case err != nil:
		// No slot or no result in time: nothing was proven.
		r = unrunResult(cloud, name, err, s.clk.Now())
	}
	s.recent.add(r)
	reg := prometheus.NewRegistry()
	reg.MustRegister(probeCollector{descs: s.probeDescs, r: r})
	if q.debug {
		s.writeDebug(w, r, reg)
		return
	}
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(w, req)
}

// probeTimeout is Prometheus' scrape timeout minus the offset, capped by
// the configured probe timeout; the configured timeout without the header.
func (s *Server) probeTimeout(req *http.Request) (time.Duration, error) {
	cfg := s.Config()
	h := req.Header.Get(scrapeTimeoutHeader)
	if h == "" {
		return cfg.ProbeTimeout, nil
	}
	secs, err := strconv.ParseFloat(h, 64)
	if err != nil || secs <= 0 {
		return 0, fmt.Errorf("header %s: %q is not a positive number of seconds", scrapeTimeoutHeader, h)
	}
	d := time.Duration(secs*float64(time.Second)) - cfg.TimeoutOffset
	if d <= 0 {
		return 0, fmt.Errorf("header %s: %gs leaves no time after the %s offset", scrapeTimeoutHeader, secs, cfg.TimeoutOffset)
	}
	return min(d, cfg.ProbeTimeout), nil
}

func (s *Server) badRequest(w http.ResponseWriter, reason, format string, args ...any) {
	s.metrics.badRequests.WithLabelValues(reason).Inc()
	http.Error(w, fmt.Sprintf(format, args...), http.StatusBadRequest)
}

// writeDebug is /probe?debug=true: the report as a table, then the
// metrics, as text.
func (s *Server) writeDebug(w http.ResponseWriter, r *result, reg *prometheus.Registry) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "Probe of scenario %s on cloud %s: success=%v\n\n", r.Scenario, cloudLabel(r.Cloud), r.Success)
	if r.Report != nil && len(r.Report.Stages) > 0 {
		_ = writeReportTable(w, r.Report)
	} else if r.Report != nil {
		fmt.Fprintf(w, "%s\n", r.Report.Error)
	}
	fmt.Fprintf(w, "\nMetrics that would have been returned:\n")
	mfs, err := reg.Gather()
	if err != nil {
		fmt.Fprintf(w, "gathering metrics: %v\n", err)
		return
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			fmt.Fprintf(w, "%s%s %g\n", mf.GetName(), labelText(m.GetLabel()), m.GetGauge().GetValue())
		}
	}
}

func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{Registry: s.reg})
}

// handleHealthz is 200 "ok" while serving, 503 once draining.
func (s *Server) handleHealthz(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if s.schedCtx.Err() != nil {
		http.Error(w, "draining", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ok")
}

// handleReport is the JSON report of a target's last probe (?target=) or of
// a recent /probe (?run=).
func (s *Server) handleReport(w http.ResponseWriter, req *http.Request) {
	var r *result
	if name := req.URL.Query().Get("target"); name != "" {
		for _, t := range s.currentTargets() {
			if t.Name == name {
				r = t.lastResult()
			}
		}
	} else if run := req.URL.Query().Get("run"); run != "" {
		r = s.recent.find(run)
	}
	if r == nil || r.Report == nil {
		http.Error(w, "no such report (reports of the last results only)", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = writeReportJSON(w, r.Report)
}
