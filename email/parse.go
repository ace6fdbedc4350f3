package email

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// Mail is a message as the email plugin wrote it, read back.
type Mail struct {
	Subject   string    `json:"subject"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	Date      time.Time `json:"date,omitzero"` // the Date header; pike and later
	Format    string    `json:"format"`        // the release family the layout matches
	State     string    `json:"state"`
	Severity  string    `json:"severity"`
	AlarmName string    `json:"alarm_name"`
	AlarmID   string    `json:"alarm_id"`
	Host      string    `json:"host,omitempty"` // the subject's "for Host:"
	// Transitioned is the body's "at <asctime> UTC": the alarm's
	// timestamp, to the second.
	Transitioned time.Time `json:"transitioned,omitzero"`
	Body         string    `json:"body"`
}

// Finding is one way a message departs from the plugin's format. A mail
// with findings is never counted as a delivery.
type Finding struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// Finding codes.
const (
	FindingNotMessage = "not-a-message"   // not RFC 5322, or a body that does not decode
	FindingSubject    = "subject-format"  // not '{state} {severity} "{name}"…'
	FindingBody       = "body-format"     // no "Alarm … transitioned to the … state at … UTC"
	FindingAlarmID    = "no-alarm-id"     // no alarm_id line
	FindingMismatch   = "subject-vs-body" // subject and body disagree on name or state
	FindingSender     = "sender"          // From missing or not an address
	FindingRecipient  = "recipient"       // To is not the method's address
)

var (
	subjectRE = regexp.MustCompile(`^(ALARM|OK|UNDETERMINED) (\S+) "(.*)"(?: for Host: (\S+)(?: Target: (\S+))?| ?)$`)
	transRE   = regexp.MustCompile(`(?m)^Alarm "(.*)" transitioned to the (\S+) state at (.+) UTC\r?$`)
	alarmIDRE = regexp.MustCompile(`(?m)^[Aa]larm_id: (\S*)\r?$`)
	// The queens layout: a blank line between the id and the lifecycle.
	queensRE = regexp.MustCompile(`(?m)^Link to Grafana: `)
)

// Parse reads a raw message. Findings say where it departs from what the
// plugin writes; the fields hold whatever could be read.
func Parse(raw []byte) (Mail, []Finding) {
	var m Mail
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return m, []Finding{{FindingNotMessage, "not an RFC 5322 message: " + err.Error()}}
	}
	var out []Finding
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		subject = msg.Header.Get("Subject")
	}
	// The no-host subject ends in a space: encoded (pike…) it survives,
	// plain (mitaka…) header parsing trims it. Trimmed here for both.
	subject = strings.TrimRight(subject, " ")
	m.Subject = subject
	m.From, m.To = msg.Header.Get("From"), msg.Header.Get("To")
	if a, err := mail.ParseAddress(m.From); err != nil {
		out = append(out, Finding{FindingSender, fmt.Sprintf("From %q is not an address", m.From)})
	} else {
		m.From = a.Address
	}
	if a, err := mail.ParseAddress(m.To); err == nil {
		m.To = a.Address
	}
	if d, err := msg.Header.Date(); err == nil {
		m.Date = d
	}
	body, err := decodeBody(msg)
	if err != nil {
		return m, append(out, Finding{FindingNotMessage, "the body does not decode: " + err.Error()})
	}
	m.Body = body

	s := subjectRE.FindStringSubmatch(subject)
	if s == nil {
		out = append(out, Finding{FindingSubject, fmt.Sprintf(`subject %q is not '<STATE> <SEVERITY> "<alarm name>"…'`, subject)})
	} else {
		m.State, m.Severity, m.AlarmName, m.Host = s[1], s[2], s[3], s[4]
	}
	t := transRE.FindStringSubmatch(body)
	if t == nil {
		out = append(out, Finding{FindingBody, `the body has no line 'Alarm "<name>" transitioned to the <STATE> state at <time> UTC'`})
	} else {
		if when, err := time.Parse("Mon Jan _2 15:04:05 2006", t[3]); err == nil {
			m.Transitioned = when
		}
		if s != nil && (t[1] != m.AlarmName || t[2] != m.State) {
			out = append(out, Finding{FindingMismatch, fmt.Sprintf("the subject says %s %q, the body %s %q", m.State, m.AlarmName, t[2], t[1])})
		}
		if s == nil {
			m.AlarmName, m.State = t[1], t[2]
		}
	}
	if id := alarmIDRE.FindStringSubmatch(body); id == nil || id[1] == "" {
		out = append(out, Finding{FindingAlarmID, "the body has no 'alarm_id: <id>' line"})
	} else {
		m.AlarmID = id[1]
	}
	m.Format = detectFormat(msg, body).String()
	return m, out
}

// detectFormat tells the release family by the layout: the Grafana line
// (queens…), a utf-8 body with a Date (pike), or neither (mitaka…ocata).
func detectFormat(msg *mail.Message, body string) Format {
	switch {
	case queensRE.MatchString(body):
		return FormatQueens
	case msg.Header.Get("Date") != "":
		return FormatPike
	default:
		return FormatMitaka
	}
}

// decodeBody undoes the Content-Transfer-Encoding of a text/plain body.
func decodeBody(msg *mail.Message) (string, error) {
	var r io.Reader = msg.Body
	switch strings.ToLower(strings.TrimSpace(msg.Header.Get("Content-Transfer-Encoding"))) {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, &stripCRLF{r: msg.Body})
	case "quoted-printable":
		r = quotedprintable.NewReader(msg.Body)
	}
	b, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return "", err
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n"), nil
}

// stripCRLF drops the whitespace some relays add to base64 lines;
// base64.NewDecoder skips only CR and LF.
type stripCRLF struct{ r io.Reader }

func (s *stripCRLF) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for i := 0; i < n; i++ {
		if c := p[i]; c != '\r' && c != '\n' && c != ' ' && c != '\t' {
			p[j] = c
			j++
		}
	}
	return j, err
}
