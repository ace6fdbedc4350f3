package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/monhook/monhook/output"
)

// WriteTable writes the human view: the stage table, the delivery summary,
// then strays, leaked or kept resources, hints for failed stages and a
// verdict line.
func WriteTable(w io.Writer, r *Report) error {
	r = r.normalized()
	ew := &errWriter{w: w}
	if err := stageTable(ew, r); err != nil {
		return err
	}
	if err := deliveryTable(ew, r); err != nil {
		return err
	}
	if len(r.Strays) > 0 {
		if err := strayTable(ew, r); err != nil {
			return err
		}
	}
	if err := resourceTables(ew, r); err != nil {
		return err
	}
	for _, s := range r.Stages {
		for _, h := range s.Hints {
			fmt.Fprintln(ew, output.WrapText(ew, fmt.Sprintf("hint (%s): %s", s.Name, h), 2))
		}
	}
	if r.Error != "" {
		fmt.Fprintln(ew, output.WrapText(ew, "error: "+r.Error, 2))
	}
	if r.Saved != nil {
		fmt.Fprintln(ew, output.WrapText(ew, fmt.Sprintf("saved: %s appended to %s", output.Count(r.Saved.Deliveries, "delivery", "deliveries"), r.Saved.Path), 2))
	}
	if a := r.Target.API; a != nil {
		fmt.Fprintln(ew, output.WrapText(ew, apiLine(a), 2))
	}
	target := ""
	if r.Target.Lab {
		target = fmt.Sprintf(", lab at speed %g", r.Target.Speed)
	} else if r.Target.Speed > 1 {
		target = fmt.Sprintf(", speed %g", r.Target.Speed)
	}
	fmt.Fprintf(ew, "%s: scenario %s, run %s, %s%s, exit %d\n",
		strings.ToUpper(r.Verdict), r.Scenario, r.RunID, formatMillis(r.DurationMS), target, r.ExitCode)
	return ew.err
}

// apiLine says what the API showed: its flavor and the features it has or
// lacks, e.g. "api: java; has types, period, patch, deterministic, last".
func apiLine(a *API) string {
	var has, lacks []string
	for _, f := range featureOrder {
		if v, ok := a.Features[f]; ok && v {
			has = append(has, f)
		} else if ok {
			lacks = append(lacks, f)
		}
	}
	line := "api: " + a.Flavor
	if len(has) > 0 {
		line += "; has " + strings.Join(has, ", ")
	}
	if len(lacks) > 0 {
		line += "; lacks " + strings.Join(lacks, ", ") + " (added in Newton)"
	}
	return line
}

// featureOrder is the order the features are named in.
var featureOrder = []string{"types", "period", "patch", "deterministic", "last"}

func newTable(w io.Writer, header ...any) *output.TableWriter { return output.NewTable(w, header...) }

func stageTable(w io.Writer, r *Report) error {
	t := newTable(w, "STAGE", "STATUS", "DURATION", "DETAIL")
	for _, s := range r.Stages {
		dur := formatMillis(s.DurationMS)
		if s.Status == StatusSkipped || s.StartedAt == nil {
			dur = "-" // never started (skipped, or not reached in time)
		}
		if err := t.Append(s.Name, s.Status, dur, s.Detail); err != nil {
			return err
		}
	}
	return t.Render()
}

func deliveryTable(w io.Writer, r *Report) error {
	if len(r.Expectations) > 0 {
		t := newTable(w, "EXPECTED", "WANT", "GOT", "WITHIN", "MET")
		for _, e := range r.Expectations {
			met := "yes"
			if !e.Met {
				met = "NO"
			}
			if err := t.Append(transition(e.OldState, e.State), e.Want, e.Got, formatMillis(e.WithinMS), met); err != nil {
				return err
			}
		}
		if err := t.Render(); err != nil {
			return err
		}
	}
	if len(r.Deliveries) == 0 {
		fmt.Fprintln(w, "deliveries: none received")
		return nil
	}
	// CONSUMER only with --forward-to: each relay's answer next to the one
	// Monasca got.
	relayed := false
	for _, d := range r.Deliveries {
		relayed = relayed || d.Consumer != nil
	}
	header := []any{"#", "RECEIVED", "TRANSITION", "ANSWER", "COUNTED"}
	if relayed {
		header = append(header, "CONSUMER")
	}
	t := newTable(w, append(header, "FINDINGS")...)
	for _, d := range r.Deliveries {
		counted := "no"
		if d.Expected {
			counted = fmt.Sprintf("expect %d", d.Expectation)
		}
		answer := "-"
		if d.ResponseStatus != 0 {
			answer = fmt.Sprint(d.ResponseStatus)
		}
		row := []any{d.Seq, offset(r.StartedAt, d.ReceivedAt), transition(d.OldState, d.State), answer, counted}
		if relayed {
			row = append(row, consumerAnswer(d.Consumer))
		}
		if err := t.Append(append(row, findings(d.Findings))...); err != nil {
			return err
		}
	}
	return t.Render()
}

// consumerAnswer is the --forward-to consumer's answer in a cell: its
// status and how long it took, or what kept it from answering (refused,
// timeout, or the transport error as the receiver worded it).
func consumerAnswer(c *Consumer) string {
	switch {
	case c == nil:
		return "-"
	case c.Status != 0:
		return fmt.Sprintf("%d (%s)", c.Status, formatMillis(c.LatencyMS))
	case strings.HasPrefix(c.Error, "connection refused"):
		return "refused"
	case strings.HasPrefix(c.Error, "no answer within"):
		return "timeout"
	case c.Error == "":
		return "-"
	}
	return c.Error
}

func strayTable(w io.Writer, r *Report) error {
	fmt.Fprintln(w, "strays (not this run's deliveries, not counted):")
	t := newTable(w, "RECEIVED", "FROM", "REQUEST", "ANSWER", "REASON")
	for _, s := range r.Strays {
		if err := t.Append(offset(r.StartedAt, s.ReceivedAt), s.Remote, s.Method+" "+s.Path, s.Status, s.Reason); err != nil {
			return err
		}
	}
	return t.Render()
}

func resourceTables(w io.Writer, r *Report) error {
	// withErrors: a leaked resource has the reason it could not be
	// deleted; a kept one has none, and an always-empty column only takes
	// width from the names.
	list := func(title string, rs []Resource, withErrors bool) error {
		if len(rs) == 0 {
			return nil
		}
		fmt.Fprintln(w, title)
		// The columns of `monhook cleanup`'s table, in its order.
		header := []any{"KIND", "NAME", "ID"}
		if withErrors {
			header = append(header, "ERROR")
		}
		t := newTable(w, header...)
		for _, res := range rs {
			row := []any{res.Kind, res.Name, res.ID}
			if withErrors {
				row = append(row, res.Error)
			}
			if err := t.Append(row...); err != nil {
				return err
			}
		}
		return t.Render()
	}
	if r.Kept {
		return list("kept (--keep; remove with monhook cleanup --run-id "+r.RunID+"):", r.Resources, false)
	}
	return list("leaked (could not be deleted):", r.Leaked, true)
}

func transition(old, state string) string {
	if old == "" {
		old = "any"
	}
	return old + " -> " + state
}

func findings(fs []Finding) string {
	if len(fs) == 0 {
		return "ok"
	}
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.Code + ": " + f.Detail
	}
	return strings.Join(parts, "; ")
}

func deliveryLine(d Delivery) string {
	return fmt.Sprintf("%s at %s, alarm %s, definition %s, answered %d, findings: %s",
		transition(d.OldState, d.State), d.ReceivedAt.UTC().Format(time.RFC3339Nano),
		d.AlarmID, d.AlarmDefinitionID, d.ResponseStatus, findings(d.Findings))
}

// offset shows a time relative to the run's start, which is what a reader
// compares against the stage durations.
func offset(start, t time.Time) string {
	if start.IsZero() || t.IsZero() {
		return "-"
	}
	return "+" + formatMillis(Millis(t.Sub(start)))
}

// FormatDuration prints d as the report's tables do (see formatMillis), for
// durations in stage details.
func FormatDuration(d time.Duration) string { return formatMillis(Millis(d)) }

// formatMillis prints a duration compactly: 0.4ms, 4.1ms, 12ms, 2.3s, 1m05s.
func formatMillis(ms float64) string {
	switch {
	case ms < 10:
		return fmt.Sprintf("%.1fms", ms)
	case ms < 1000:
		return fmt.Sprintf("%.0fms", ms)
	case ms < 60000:
		return fmt.Sprintf("%.1fs", ms/1000)
	}
	total := int64(ms / 1000)
	return fmt.Sprintf("%dm%02ds", total/60, total%60)
}

// errWriter keeps the first write error so the plain lines between tables
// need no error checks of their own.
type errWriter struct {
	w   io.Writer
	err error
}

// Unwrap lets output.Width see the terminal behind the writer.
func (e *errWriter) Unwrap() io.Writer { return e.w }

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
