package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

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
		p.buf = append(p.buf[:0], deliveryLine(d, p.tty)...)
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

// deliveryLine is the readable form: time, transition, alarm name, alarm
// id, definition id, the metric and its dimensions (so three alarms of one
// definition read as three hosts), source, then what we answered and what is
// wrong with it.
func deliveryLine(d receiver.Delivery, tty bool) string {
	var b strings.Builder
	arrow := " -> "
	if tty {
		arrow = " → "
		b.WriteString(d.ReceivedAt.Local().Format("15:04:05.000"))
	} else {
		b.WriteString(d.ReceivedAt.UTC().Format("2006-01-02T15:04:05.000Z"))
	}
	if n := d.Notification; n != nil {
		fmt.Fprintf(&b, "  %s%s%s  %q  alarm %s  def %s", orDash(n.OldState), arrow, orDash(n.State), n.AlarmName, orDash(n.AlarmID), orDash(n.AlarmDefinitionID))
		if len(n.Metrics) > 0 {
			b.WriteString("  ")
			b.WriteString(metricText(n.Metrics[0]))
			if more := len(n.Metrics) - 1; more > 0 {
				fmt.Fprintf(&b, " (+%d more)", more)
			}
		}
	} else {
		b.WriteString("  (not a Monasca notification)")
	}
	fmt.Fprintf(&b, "  from %s", d.Remote)
	if d.Status < 200 || d.Status > 299 {
		fmt.Fprintf(&b, "  answered %d", d.Status)
	}
	if f := d.Forward; f != nil {
		if f.Error != "" {
			fmt.Fprintf(&b, "  forward failed after %v: %s", f.Latency.Round(time.Microsecond), f.Error)
		} else {
			fmt.Fprintf(&b, "  forward %d in %v", f.Status, f.Latency.Round(time.Microsecond))
		}
	}
	if enc, ok := d.Encoding(); ok && d.Notification != nil && enc != webhook.DefaultEncoding {
		// A note, not a finding: an older release's encoder is Monasca too.
		fmt.Fprintf(&b, "  (%s, %s)", enc, encodingReleases[enc])
	}
	if len(d.Findings) == 0 {
		b.WriteString("  ok")
		return b.String()
	}
	b.WriteString("  findings: ")
	for i, f := range d.Findings {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Detail)
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
