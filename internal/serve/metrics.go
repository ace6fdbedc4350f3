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
	latency, deliveries, leaked        *prometheus.Desc
	lastTimestamp, interval, timeoutOf *prometheus.Desc
}

func newResultDescs(labels []string) *resultDescs {
	with := func(extra ...string) []string { return append(append([]string(nil), labels...), extra...) }
	return &resultDescs{
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
		latency: prometheus.NewDesc("monhook_delivery_latency_seconds",
			"From the alarm's state transition (the payload's alarm_timestamp, 1 s resolution) to the notification's arrival; the slowest counted delivery. Absent when none arrived.", labels, nil),
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
}

func (d *resultDescs) describe(ch chan<- *prometheus.Desc) {
	for _, x := range []*prometheus.Desc{d.success, d.duration, d.exitCode, d.stageDuration, d.stageSuccess,
		d.latency, d.deliveries, d.leaked, d.lastTimestamp, d.interval, d.timeoutOf} {
		ch <- x
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
	emit(d.exitCode, float64(r.Report.ExitCode))
	for _, st := range r.Report.Stages {
		if st.Status == statusSkipped {
			continue
		}
		emit(d.stageDuration, seconds(st.DurationMS), st.Name)
		emit(d.stageSuccess, boolFloat(st.Status == statusOK), st.Name)
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
	unrouted    prometheus.CounterFunc
	tlsErrors   prometheus.CounterFunc
}

func newExporterMetrics(reg prometheus.Registerer, unrouted, tlsErrors func() float64) *exporterMetrics {
	m := &exporterMetrics{
		probes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "monhook_probes_total",
			Help: "Probes run, by scenario, notification type and result (success; fail, error, interrupted as the check's verdict; leaked; unproven)."}, []string{"scenario", "result", "type"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "monhook_probes_in_flight",
			Help: "Probes running now."}),
		badRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "monhook_probe_bad_requests_total",
			Help: "/probe requests answered 400, by reason."}, []string{"reason"}),
		swept: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "monhook_swept_resources_total",
			Help: "This instance's earlier leftovers found at start-up, by outcome (deleted, failed)."}, []string{"outcome"}),
		unrouted: prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "monhook_receiver_unrouted_total",
			Help: "Requests to the receiver for no run in flight (late re-sends, scanners, wrong URLs)."}, unrouted),
		tlsErrors: prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "monhook_receiver_tls_errors_total",
			Help: "Failed TLS handshakes on the receiver (a sender that does not trust its certificate, plain HTTP to HTTPS)."}, tlsErrors),
	}
	reg.MustRegister(m.probes, m.inFlight, m.badRequests, m.swept, m.unrouted, m.tlsErrors)
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
