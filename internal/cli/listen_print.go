package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/mattn/go-runewidth"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/output"
	"github.com/monhook/monhook/receiver"
	"github.com/monhook/monhook/webhook"
)

// deliveryPrinter shows deliveries on stdout (data) and strays, TLS
// failures and status on stderr. The receiver calls it from many request
// goroutines; one lock keeps lines whole.
type deliveryPrinter struct {
	mu     sync.Mutex
	io     *IOStreams
	format string
	tty    bool
	full   bool // table: the whole body, indented, under each line
	buf    []byte
	outErr error // after a failed write to stdout (closed pipe) we stop printing
}

func newDeliveryPrinter(io *IOStreams, format string, full bool) *deliveryPrinter {
	return &deliveryPrinter{io: io, format: format, tty: io.IsStdoutTTY(), full: full}
}

func (p *deliveryPrinter) delivery(d receiver.Delivery) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.outErr != nil {
		return
	}
	switch p.format {
	case output.JSON:
		// The receiver's own encoder, not output.WriteJSON: one line per
		// delivery (JSON Lines), without reflection on the hot path.
		p.buf = append(d.AppendJSON(p.buf[:0]), '\n')
	case output.YAML:
		p.buf = appendYAML(p.buf[:0], d)
	default:
		line := deliveryParts(d, p.tty)
		if p.tty {
			// A terminal gets lines that fit it; a pipe keeps one line
			// per delivery for grep and awk.
			p.buf = append(p.buf[:0], fitParts(line, output.Width(p.io.Out))...)
		} else {
			p.buf = append(p.buf[:0], strings.Join(line, "  ")...)
		}
		p.buf = append(p.buf, '\n')
		if p.full {
			p.buf = appendIndentedBody(p.buf, d.Body)
		}
	}
	_, p.outErr = p.io.Out.Write(p.buf)
}

func (p *deliveryPrinter) stray(s receiver.Stray) {
	detail := ""
	if s.Detail != "" {
		detail = ": " + s.Detail
	}
	p.status("stray: %s %s from %s answered %d (%s%s)", s.Method, s.Path, s.Remote, s.Status, s.Reason, detail)
}

func (p *deliveryPrinter) tlsError(e receiver.TLSError) {
	hint := ""
	if e.Hint != "" {
		hint = "; " + e.Hint
	}
	p.status("TLS handshake with %s failed: %s%s", e.Remote, e.Error, hint)
}

func (p *deliveryPrinter) status(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.io.ErrOut, format+"\n", args...)
}

// deliveryLine is the readable form on one line: time, transition, alarm
// name, alarm id, definition id, the metric and its dimensions (so three
// alarms of one definition read as three hosts), source, then what we
// answered and what is wrong with it.
func deliveryLine(d receiver.Delivery, tty bool) string {
	return strings.Join(deliveryParts(d, tty), "  ")
}

// deliveryParts are the pieces of deliveryLine, each kept whole when a
// terminal's line is wrapped (fitParts).
func deliveryParts(d receiver.Delivery, tty bool) []string {
	var parts []string
	arrow := " -> "
	if tty {
		arrow = " → "
		parts = append(parts, d.ReceivedAt.Local().Format("15:04:05.000"))
	} else {
		parts = append(parts, d.ReceivedAt.UTC().Format("2006-01-02T15:04:05.000Z"))
	}
	if n := d.Notification; n != nil {
		parts = append(parts, orDash(n.OldState)+arrow+orDash(n.State), fmt.Sprintf("%q", n.AlarmName),
			"alarm "+orDash(n.AlarmID), "def "+orDash(n.AlarmDefinitionID))
		if len(n.Metrics) > 0 {
			m := metricText(n.Metrics[0])
			if more := len(n.Metrics) - 1; more > 0 {
				m += fmt.Sprintf(" (+%d more)", more)
			}
			parts = append(parts, m)
		}
	} else {
		parts = append(parts, "(not a Monasca notification)")
	}
	parts = append(parts, "from "+d.Remote)
	if d.Status < 200 || d.Status > 299 {
		parts = append(parts, fmt.Sprintf("answered %d", d.Status))
	}
	if f := d.Forward; f != nil {
		if !f.OK() {
			parts = append(parts, fmt.Sprintf("forward failed after %s: %s", report.FormatDuration(f.Latency), f.Problem()))
		} else {
			parts = append(parts, fmt.Sprintf("forward %d in %s", f.Status, report.FormatDuration(f.Latency)))
		}
	}
	if enc, ok := d.Encoding(); ok && d.Notification != nil && enc != webhook.DefaultEncoding {
		// A note, not a finding: an older release's encoder is Monasca too.
		parts = append(parts, fmt.Sprintf("(%s, %s)", enc, encodingReleases[enc]))
	}
	if len(d.Findings) == 0 {
		return append(parts, "ok")
	}
	details := make([]string, len(d.Findings))
	for i, f := range d.Findings {
		details[i] = f.Detail
	}
	return append(parts, "findings: "+strings.Join(details, "; "))
}

// fitParts joins parts with two spaces into lines of at most width
// columns, continuation lines indented. A part is broken only at its own
// spaces, and a word (an id, a URL, a metric) never: one wider than the
// line gets a line of its own.
func fitParts(parts []string, width int) string {
	const indent = "    "
	var b strings.Builder
	col := 0
	for i, part := range parts {
		words := strings.Fields(part)
		if strings.HasPrefix(part, `"`) {
			words = []string{part} // a quoted alarm name stays whole
		}
		for j, word := range words {
			sep := " "
			if j == 0 {
				sep = "  "
			}
			ww := runewidth.StringWidth(word)
			switch {
			case i == 0 && j == 0:
			case col+len(sep)+ww <= width:
				b.WriteString(sep)
				col += len(sep)
			default:
				b.WriteString("\n" + indent)
				col = len(indent)
			}
			b.WriteString(word)
			col += ww
		}
	}
	return b.String()
}

// encodingReleases names the releases whose notifier wrote each encoding.
var encodingReleases = map[webhook.Encoding]string{
	webhook.JSON:  "as Mitaka to Ocata send it",
	webhook.UJSON: "as Pike to Train send it",
}

// metricText prints a metric as Monasca writes it in expressions:
// name{k=v,k2=v2}, dimensions sorted.
func metricText(m receiver.NotificationMetric) string {
	if len(m.Dimensions) == 0 {
		return m.Name
	}
	keys := make([]string, 0, len(m.Dimensions))
	for k := range m.Dimensions {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		keys[i] = k + "=" + m.Dimensions[k]
	}
	return m.Name + "{" + strings.Join(keys, ",") + "}"
}

// appendIndentedBody adds the body as the classic Node receiver printed it
// (JSON.stringify(body, null, 2)), or as text when it is not JSON.
func appendIndentedBody(dst, body []byte) []byte {
	var buf bytes.Buffer
	if err := json.Indent(&buf, body, "  ", "  "); err != nil {
		dst = append(dst, "  "...)
		dst = append(dst, body...)
		return append(dst, '\n')
	}
	dst = append(dst, "  "...)
	dst = append(dst, buf.Bytes()...)
	return append(dst, '\n')
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// appendYAML writes one YAML document per delivery, with the same fields
// as the JSON record, in order.
func appendYAML(dst []byte, d receiver.Delivery) []byte {
	out, err := output.JSONToYAML(d.AppendJSON(nil))
	if err != nil {
		return dst
	}
	dst = append(dst, "---\n"...)
	return append(dst, out...)
}
