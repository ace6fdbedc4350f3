package email

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"maps"
	"mime"
	"slices"
	"strings"
	"time"
)

// Notification is what the email plugin takes from an alarm transition.
type Notification struct {
	AlarmID        string
	AlarmName      string
	State          string // the new state
	Severity       string
	Message        string // stateChangeReason; the body writes it lower-cased
	Timestamp      time.Time
	Link           string // "" is Python's None
	LifecycleState string // "" is Python's None
	GrafanaURL     string // [email_notifier] grafana_url; "" is None
	Metrics        []Metric
	From           string // [email_notifier] from_addr
	To             string // the method's address
}

// Metric is one of the alarm's metrics.
type Metric struct {
	Name       string
	Dimensions map[string]string
}

// Compose writes the message the plugin hands to smtplib's sendmail, with
// CRLF line ends as SMTP carries it. now is the Date header's time (pike
// and later).
func Compose(n Notification, f Format, now time.Time) []byte {
	subject, body := render(n, f)
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	if f == FormatMitaka {
		h("Content-Type", `text/plain; charset="us-ascii"`)
		h("MIME-Version", "1.0")
		h("Content-Transfer-Encoding", "7bit")
		h("Subject", subject)
		h("From", n.From)
		h("To", n.To)
		b.WriteString("\r\n")
		b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
		return b.Bytes()
	}
	h("Content-Type", `text/plain; charset="utf-8"`)
	h("MIME-Version", "1.0")
	h("Content-Transfer-Encoding", "base64")
	h("Subject", encodeSubject(subject))
	h("From", n.From)
	h("To", n.To)
	h("Date", now.UTC().Format(time.RFC1123Z))
	b.WriteString("\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}

// encodeSubject is email.header.Header(subject, 'utf-8'): the shorter of
// the Q and B encodings.
func encodeSubject(s string) string {
	q, bb := mime.QEncoding.Encode("utf-8", s), mime.BEncoding.Encode("utf-8", s)
	if q == s { // Go leaves plain ASCII alone; Python encodes it anyway
		q = "=?utf-8?q?" + qWord(s) + "?="
		bb = "=?utf-8?b?" + base64.StdEncoding.EncodeToString([]byte(s)) + "?="
	}
	if len(bb) < len(q) {
		return bb
	}
	return q
}

// qWord is the RFC 2047 Q encoding of an ASCII string, as Python writes it.
func qWord(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			b.WriteByte('_')
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '!', c == '*', c == '+', c == '/':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "=%02X", c)
		}
	}
	return b.String()
}

// render returns the subject and the body text for a format, choosing the
// template as the plugin does: one distinct hostname among the metrics
// names the host (and the first target_host, if any); otherwise the
// "multiple hosts" template.
func render(n Notification, f Format) (subject, body string) {
	var hosts, targets []string
	for _, m := range n.Metrics {
		if h, ok := m.Dimensions["hostname"]; ok && !slices.Contains(hosts, h) {
			hosts = append(hosts, h)
		}
		if t, ok := m.Dimensions["target_host"]; ok && !slices.Contains(targets, t) {
			targets = append(targets, t)
		}
	}
	ts := n.Timestamp.UTC().Format("Mon Jan _2 15:04:05 2006") // time.asctime
	idKey, dimsHead := "alarm_id", "With dimensions:"
	var opening string
	switch {
	case len(hosts) == 1 && len(targets) > 0:
		opening = fmt.Sprintf(`On host "%s" for target "%s" %s`, hosts[0], targets[0], strings.ToLower(n.Message))
		subject = fmt.Sprintf(`%s %s "%s" for Host: %s Target: %s`, n.State, n.Severity, n.AlarmName, hosts[0], targets[0])
	case len(hosts) == 1:
		opening = fmt.Sprintf(`On host "%s" %s`, hosts[0], strings.ToLower(n.Message))
		subject = fmt.Sprintf(`%s %s "%s" for Host: %s`, n.State, n.Severity, n.AlarmName, hosts[0])
	default:
		opening = "On multiple hosts " + strings.ToLower(n.Message)
		subject = fmt.Sprintf(`%s %s "%s" `, n.State, n.Severity, n.AlarmName)
		idKey, dimsHead = "Alarm_id", "With dimensions"
	}
	var b strings.Builder
	b.WriteString(opening + "\n\n")
	fmt.Fprintf(&b, "Alarm \"%s\" transitioned to the %s state at %s UTC\n", n.AlarmName, n.State, ts)
	fmt.Fprintf(&b, "%s: %s\n", idKey, n.AlarmID)
	if f >= FormatQueens {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Lifecycle state: %s\n", pyStr(n.LifecycleState))
	fmt.Fprintf(&b, "Link: %s\n", pyStr(n.Link))
	if f >= FormatQueens {
		fmt.Fprintf(&b, "Link to Grafana: %s\n", grafanaLink(n))
	}
	b.WriteString("\n" + dimsHead + "\n" + formatDimensions(n.Metrics))
	return subject, b.String()
}

// grafanaLink is _get_link_url: None without a grafana_url, else the
// drilldown script with the first metric and ±10 minutes.
func grafanaLink(n Notification) string {
	if n.GrafanaURL == "" || len(n.Metrics) == 0 {
		return "None"
	}
	m := n.Metrics[0]
	q := "?metric=" + m.Name
	for _, k := range slices.Sorted(maps.Keys(m.Dimensions)) {
		q += "&" + k + "=" + m.Dimensions[k]
	}
	ms := n.Timestamp.Unix() * 1000
	return fmt.Sprintf("%s/dashboard/script/drilldown.js%s&from=%d&to=%d", n.GrafanaURL, q, ms-600000, ms+600000)
}

// formatDimensions is _format_dimensions, keys in sorted order (the real
// order is the event's).
func formatDimensions(ms []Metric) string {
	sets := make([]string, 0, len(ms))
	for _, m := range ms {
		pairs := make([]string, 0, len(m.Dimensions))
		for _, k := range slices.Sorted(maps.Keys(m.Dimensions)) {
			pairs = append(pairs, "    "+k+": "+m.Dimensions[k])
		}
		sets = append(sets, "  {\n"+strings.Join(pairs, ",\n")+"\n  }")
	}
	return "[\n" + strings.Join(sets, ",\n") + " \n]"
}

func pyStr(s string) string {
	if s == "" {
		return "None"
	}
	return s
}
