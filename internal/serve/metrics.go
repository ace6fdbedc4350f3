package serve

import (
	"github.com/prometheus/client_golang/prometheus"
)

// resultDescs describe one probe's result. /probe answers them without
// labels of its own (Prometheus adds instance, as for blackbox_exporter);
// /metrics carries each scheduled target's last result with the labels
// target, cloud, scenario and type (webhook or email).
type resultDescs struct {
	success, duration, exitCode        *prometheus.Desc
	stageDuration, stageSuccess        *prometheus.Desc
	failedStage                        *prometheus.Desc
	latency, deliveries, leaked        *prometheus.Desc
	lastTimestamp, interval, timeoutOf *prometheus.Desc
	// bbSuccess and bbDuration are blackbox_exporter's names for success
	// and duration, answered by /probe only, for alerting that already
	// watches probe_success.
	bbSuccess, bbDuration *prometheus.Desc
}

func newResultDescs(labels []string) *resultDescs {
	with := func(extra ...string) []string { return append(append([]string(nil), labels...), extra...) }
	d := &resultDescs{
		success: prometheus.NewDesc("monhook_probe_success",
			"1 when every expected notification arrived and matched Monasca's payload and teardown left nothing, else 0.", labels, nil),
		duration: prometheus.NewDesc("monhook_probe_duration_seconds",
			"How long the probe took, teardown included.", labels, nil),
		exitCode: prometheus.NewDesc("monhook_probe_exit_code",
			"The exit code `monhook check` would have given (0 pass, 1 fail, 3 could not run, 4 leaked, 130 interrupted).", labels, nil),
		stageDuration: prometheus.NewDesc("monhook_stage_duration_seconds",
			"How long each stage of the check took (stages that did not run are absent).", with("stage"), nil),
		stageSuccess: prometheus.NewDesc("monhook_stage_success",
			"1 when the stage succeeded, 0 when it failed (stages that did not run are absent).", with("stage"), nil),
		failedStage: prometheus.NewDesc("monhook_probe_failed_stage",
			"Present only when the probe failed: the stage that failed (not-run: the probe never started; proof: every stage passed but the proof is missing), valued when the probe finished (Unix time), so that the latest of several is the largest. The alert names the stage from it.", with("stage"), nil),
		latency: prometheus.NewDesc("monhook_delivery_latency_seconds",
			"From the start of the trigger stage (monhook posting the metric, or setting the alarm's state) to the first counted notification's arrival, both on serve's clock: the threshold engine's evaluation plus the notification path. Absent when none arrived.", labels, nil),
		deliveries: prometheus.NewDesc("monhook_deliveries",
			"Requests that reached the probe's receiver, by result: expected, findings (counted but the payload departs from Monasca's), unexpected (another transition), stray.", with("result"), nil),
		leaked: prometheus.NewDesc("monhook_leaked_resources",
			"Resources the probe created and could not delete (remove them with `monhook cleanup`).", labels, nil),
		lastTimestamp: prometheus.NewDesc("monhook_target_last_probe_timestamp_seconds",
			"When the target's last probe finished (Unix time); the dead-man's switch watches its age.", labels, nil),
		interval: prometheus.NewDesc("monhook_target_interval_seconds",
			"The target's probe interval.", labels, nil),
		timeoutOf: prometheus.NewDesc("monhook_target_timeout_seconds",
			"The target's probe timeout.", labels, nil),
	}
	return d
}

// newProbeDescs are /probe's: the result plus blackbox_exporter's names.
func newProbeDescs() *resultDescs {
	d := newResultDescs(nil)
	d.bbSuccess = prometheus.NewDesc("probe_success",
		"blackbox_exporter's name for monhook_probe_success (same value).", nil, nil)
	d.bbDuration = prometheus.NewDesc("probe_duration_seconds",
		"blackbox_exporter's name for monhook_probe_duration_seconds (same value).", nil, nil)
	return d
}

func (d *resultDescs) describe(ch chan<- *prometheus.Desc) {
	for _, x := range []*prometheus.Desc{d.success, d.duration, d.exitCode, d.stageDuration, d.stageSuccess, d.failedStage,
		d.latency, d.deliveries, d.leaked, d.lastTimestamp, d.interval, d.timeoutOf, d.bbSuccess, d.bbDuration} {
		if x != nil {
			ch <- x
		}
	}
}

// collect sends r's metrics with the given label values; stamped metrics
// carry the probe's finish time as their timestamp, so a slow scenario's
// result is not mistaken for a fresh one.
func (d *resultDescs) collect(ch chan<- prometheus.Metric, r *result, stamped bool, lv ...string) {
	emit := func(desc *prometheus.Desc, v float64, extra ...string) {
		m := prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, v, append(append([]string(nil), lv...), extra...)...)
		if stamped {
			m = prometheus.NewMetricWithTimestamp(r.Finished, m)
		}
		ch <- m
	}
	emit(d.success, boolFloat(r.Success))
	emit(d.duration, r.Duration.Seconds())
	if d.bbSuccess != nil {
		emit(d.bbSuccess, boolFloat(r.Success))
		emit(d.bbDuration, r.Duration.Seconds())
	}
	emit(d.exitCode, float64(r.Report.ExitCode))
	for _, st := range r.Report.Stages {
		if st.Status == statusSkipped {
			continue
		}
		emit(d.stageDuration, seconds(st.DurationMS), st.Name)
		emit(d.stageSuccess, boolFloat(st.Status == statusOK), st.Name)
	}
	if !r.Success {
		emit(d.failedStage, float64(r.Finished.UnixNano())/1e9, r.stageLabel())
	}
	if r.HasLatency {
		emit(d.latency, r.Latency.Seconds())
	}
	for _, k := range deliveryResults {
		emit(d.deliveries, float64(r.Deliveries[k]), k)
	}
	emit(d.leaked, float64(len(r.Report.Leaked)))
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// probeCollector answers one /probe: its registry holds only this.
type probeCollector struct {
	descs *resultDescs
	r     *result
}

func (c probeCollector) Describe(ch chan<- *prometheus.Desc) { c.descs.describe(ch) }
func (c probeCollector) Collect(ch chan<- prometheus.Metric) { c.descs.collect(ch, c.r, false) }

// exporterMetrics are serve's own, on /metrics.
type exporterMetrics struct {
	probes      *prometheus.CounterVec
	inFlight    prometheus.Gauge
	badRequests *prometheus.CounterVec
	swept       *prometheus.CounterVec
	sweeps      *prometheus.CounterVec
	leftovers   *prometheus.GaugeVec
	reloads     *prometheus.CounterVec
	unrouted    prometheus.CounterFunc
	tlsErrors   prometheus.CounterFunc
}

func newExporterMetrics(reg prometheus.Registerer, unrouted, tlsErrors func() float64) *exporterMetrics {
	m := &exporterMetrics{
		probes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "monhook_probes_total",
			Help: "Probes run, by target (\"\" for /probe), cloud, scenario, notification type (webhook, email) and result (success; fail, error, interrupted as the check's verdict; leaked; unproven). A counter, so that no result is missed between scrapes."}, []string{"target", "cloud", "scenario", "type", "result"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "monhook_probes_in_flight",
			Help: "Probes running now."}),
		badRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "monhook_probe_bad_requests_total",
			Help: "/probe requests answered 400, by reason."}, []string{"reason"}),
		swept: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "monhook_swept_resources_total",
			Help: "Leftovers of this instance's runs the sweep handled, by cloud (for run mail: the mailbox's URL) and outcome (found, deleted, failed)."}, []string{"cloud", "outcome"}),
		sweeps: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "monhook_sweeps_total",
			Help: "Sweeps of a cloud, by result (ok; error: could not connect or list)."}, []string{"cloud", "result"}),
		leftovers: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "monhook_leftover_resources",
			Help: "Leftovers of this instance's runs the last sweep of the cloud could not delete; 0 once they are gone."}, []string{"cloud"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "monhook_config_reloads_total",
			Help: "Configuration reloads (SIGHUP, POST /-/reload), by result (ok; error: refused, the running configuration stays)."}, []string{"result"}),
		unrouted: prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "monhook_receiver_unrouted_total",
			Help: "Requests to the receiver for no run in flight (late re-sends, scanners, wrong URLs)."}, unrouted),
		tlsErrors: prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "monhook_receiver_tls_errors_total",
			Help: "Failed TLS handshakes on the receiver (a sender that does not trust its certificate, plain HTTP to HTTPS)."}, tlsErrors),
	}
	reg.MustRegister(m.probes, m.inFlight, m.badRequests, m.swept, m.sweeps, m.leftovers, m.reloads, m.unrouted, m.tlsErrors)
	return m
}

// probeResult is the result label of monhook_probes_total.
func probeResult(r *result) string {
	if r.Success {
		return "success"
	}
	if len(r.Report.Leaked) > 0 {
		return "leaked"
	}
	if r.Report.Verdict == verdictPass {
		// The runner said pass but the report lacks the proof.
		return "unproven"
	}
	return r.Report.Verdict
}
