package receiver

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// AppendJSON appends d as one line of JSON (no newline) to dst: the record
// `monhook listen --save` writes. It is hand-built because it runs once per
// delivery on the hot path, and json.Marshal would re-validate and re-compact
// the embedded body. The field names are those of Delivery's json tags.
func (d Delivery) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"seq":`...)
	dst = strconv.AppendInt(dst, int64(d.Seq), 10)
	dst = append(dst, `,"received_at":"`...)
	dst = d.ReceivedAt.AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, `","remote":`...)
	dst = appendString(dst, d.Remote)
	dst = append(dst, `,"method":`...)
	dst = appendString(dst, d.Method)
	dst = append(dst, `,"path":`...)
	dst = appendString(dst, d.Path)
	dst = append(dst, `,"headers":{`...)
	keys := make([]string, 0, len(d.Headers))
	for k := range d.Headers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ":["...)
		for j, v := range d.Headers[k] {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, v)
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `},"body":`...)
	dst = appendBody(dst, d.Body)
	dst = append(dst, `,"notification":`...)
	dst = appendNotification(dst, d.Notification)
	dst = append(dst, `,"findings":`...)
	if d.Findings == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i, f := range d.Findings {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"code":`...)
			dst = appendString(dst, f.Code)
			if f.Key != "" {
				dst = append(dst, `,"key":`...)
				dst = appendString(dst, f.Key)
			}
			dst = append(dst, `,"detail":`...)
			dst = appendString(dst, f.Detail)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"status":`...)
	dst = strconv.AppendInt(dst, int64(d.Status), 10)
	if f := d.Forward; f != nil {
		dst = append(dst, `,"forward":{"url":`...)
		dst = appendString(dst, f.URL)
		if f.Status != 0 {
			dst = append(dst, `,"status":`...)
			dst = strconv.AppendInt(dst, int64(f.Status), 10)
		}
		dst = append(dst, `,"latency_ns":`...)
		dst = strconv.AppendInt(dst, int64(f.Latency), 10)
		if f.Error != "" {
			dst = append(dst, `,"error":`...)
			dst = appendString(dst, f.Error)
		}
		if f.TimedOut {
			dst = append(dst, `,"timed_out":true`...)
		}
		if f.Body != "" {
			dst = append(dst, `,"body":`...)
			dst = appendString(dst, f.Body)
		}
		dst = append(dst, '}')
	}
	return append(dst, '}')
}

// MarshalJSON is AppendJSON, so every encoder writes the same record.
func (d Delivery) MarshalJSON() ([]byte, error) { return d.AppendJSON(nil), nil }

// appendBody embeds a delivery body, which is valid JSON (anything else is a
// stray); only a body spread over several lines needs compacting.
func appendBody(dst, body []byte) []byte {
	if len(body) == 0 {
		return append(dst, "null"...)
	}
	if !bytes.ContainsAny(body, "\r\n") {
		return append(dst, body...)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, body); err != nil {
		return appendString(dst, string(body))
	}
	return append(dst, buf.Bytes()...)
}

func appendNotification(dst []byte, n *Notification) []byte {
	if n == nil {
		return append(dst, "null"...)
	}
	for _, f := range [...]struct{ k, v string }{
		{`{"alarm_id":`, n.AlarmID}, {`,"alarm_definition_id":`, n.AlarmDefinitionID},
		{`,"alarm_name":`, n.AlarmName}, {`,"alarm_description":`, n.AlarmDescription},
	} {
		dst = append(dst, f.k...)
		dst = appendString(dst, f.v)
	}
	dst = append(dst, `,"alarm_timestamp":`...)
	dst = strconv.AppendInt(dst, n.AlarmTimestamp, 10)
	for _, f := range [...]struct{ k, v string }{
		{`,"state":`, n.State}, {`,"old_state":`, n.OldState}, {`,"message":`, n.Message}, {`,"tenant_id":`, n.TenantID},
	} {
		dst = append(dst, f.k...)
		dst = appendString(dst, f.v)
	}
	dst = append(dst, `,"metrics":`...)
	if n.Metrics == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i, m := range n.Metrics {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"id":`...)
			if m.ID == nil {
				dst = append(dst, "null"...)
			} else {
				dst = appendString(dst, *m.ID)
			}
			dst = append(dst, `,"name":`...)
			dst = appendString(dst, m.Name)
			dst = append(dst, `,"dimensions":`...)
			dst = appendStringMap(dst, m.Dimensions)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

func appendStringMap(dst []byte, m map[string]string) []byte {
	if m == nil {
		return append(dst, "null"...)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		dst = appendString(dst, m[k])
	}
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaping like encoding/json
// (including <, > and & so records are safe to embed in HTML) and replacing
// invalid UTF-8 with U+FFFD.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
