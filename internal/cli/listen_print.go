package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/monhook/monhook/output"
	"github.com/monhook/monhook/receiver"
)

// deliveryPrinter shows deliveries on stdout (data) and strays, TLS
// failures and status on stderr. The receiver calls it from many request
// goroutines; one lock keeps lines whole.
type deliveryPrinter struct {
	mu     sync.Mutex
	io     *IOStreams
	format string
	tty    bool
	buf    []byte
	outErr error // after a failed write to stdout (closed pipe) we stop printing
}

func newDeliveryPrinter(io *IOStreams, format string) *deliveryPrinter {
	return &deliveryPrinter{io: io, format: format, tty: io.IsStdoutTTY()}
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

// deliveryLine is the readable form: time, transition, alarm name,
// definition id, source, then what we answered and what is wrong with it.
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
		fmt.Fprintf(&b, "  %s%s%s  %q  def %s", orDash(n.OldState), arrow, orDash(n.State), n.AlarmName, orDash(n.AlarmDefinitionID))
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

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// appendYAML writes one YAML document per delivery, with the same fields as
// the JSON record.
func appendYAML(dst []byte, d receiver.Delivery) []byte {
	var v any
	if err := json.Unmarshal(d.AppendJSON(nil), &v); err != nil {
		return dst
	}
	var b bytes.Buffer
	if err := output.WriteYAML(&b, v); err != nil {
		return dst
	}
	dst = append(dst, "---\n"...)
	return append(dst, b.Bytes()...)
}
