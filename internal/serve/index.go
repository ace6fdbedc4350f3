package serve

import (
	"html/template"
	"net/http"
	"net/url"
	"time"
)

// indexTemplate is the human page: targets with their last result and a
// link to its report, then the recent /probe results (like
// blackbox_exporter's page). html/template escapes every value.
var indexTemplate = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>monhook serve</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}.ok{color:#070}.fail{color:#b00}</style>
</head><body>
<h1>monhook serve</h1>
<p>A continuous Monasca notification canary. Instance <code>{{.Instance}}</code>.
<a href="metrics">Metrics</a> · <a href="healthz">Health</a> ·
probe: <a href="probe?scenario=synthetic">probe?scenario=synthetic</a> (add <code>&amp;cloud=NAME</code>, <code>&amp;debug=true</code>)</p>
<h2>Scheduled targets</h2>
{{if .Targets}}<table><tr><th>target</th><th>cloud</th><th>scenario</th><th>interval</th><th>timeout</th><th>last result</th><th>finished</th><th>took</th><th>report</th></tr>
{{range .Targets}}<tr><td>{{.Name}}</td><td>{{.Cloud}}</td><td>{{.Scenario}}</td><td>{{.Interval}}</td><td>{{.Timeout}}</td>
<td class="{{.Class}}">{{.Result}}{{if .Running}} (probing now){{end}}</td><td>{{.Finished}}</td><td>{{.Took}}</td><td>{{if .Report}}<a href="{{.Report}}">report</a>{{end}}</td></tr>
{{end}}</table>{{else}}<p>None configured (config key <code>serve.targets</code>).</p>{{end}}
<h2>Recent /probe results</h2>
{{if .Recent}}<table><tr><th>cloud</th><th>scenario</th><th>run</th><th>result</th><th>finished</th><th>took</th><th>report</th></tr>
{{range .Recent}}<tr><td>{{.Cloud}}</td><td>{{.Scenario}}</td><td>{{.RunID}}</td><td class="{{.Class}}">{{.Result}}</td><td>{{.Finished}}</td><td>{{.Took}}</td><td>{{if .Report}}<a href="{{.Report}}">report</a>{{end}}</td></tr>
{{end}}</table>{{else}}<p>None yet.</p>{{end}}
</body></html>
`))

type indexRow struct {
	Name, Cloud, Scenario, RunID  string
	Interval, Timeout             string
	Result, Class, Finished, Took string
	Report                        string
	Running                       bool
}

func (s *Server) handleIndex(w http.ResponseWriter, req *http.Request) {
	data := struct {
		Instance        string
		Targets, Recent []indexRow
	}{Instance: s.Config().InstanceID}
	for _, t := range s.currentTargets() {
		row := indexRow{Name: t.Name, Cloud: cloudLabel(t.Cloud), Scenario: t.sc.Name,
			Interval: t.Interval.String(), Timeout: t.Timeout.String(), Result: "not probed yet", Running: t.isRunning()}
		if r := t.lastResult(); r != nil {
			fillRow(&row, r)
			row.Report = "report?target=" + url.QueryEscape(t.Name)
		}
		data.Targets = append(data.Targets, row)
	}
	for _, r := range s.recent.newestFirst() {
		row := indexRow{Cloud: cloudLabel(r.Cloud), Scenario: r.Scenario, RunID: r.RunID}
		fillRow(&row, r)
		if r.RunID != "" {
			row.Report = "report?run=" + url.QueryEscape(r.RunID)
		}
		data.Recent = append(data.Recent, row)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = indexTemplate.Execute(w, data)
}

func fillRow(row *indexRow, r *result) {
	row.Finished = r.Finished.UTC().Format(time.RFC3339)
	row.Took = r.Duration.Round(time.Millisecond).String()
	row.Result, row.Class = "success", "ok"
	if !r.Success {
		row.Class = "fail"
		row.Result = probeResult(r)
		if st := r.failedStage(); st != "" {
			row.Result += " at " + st
		}
	}
}
