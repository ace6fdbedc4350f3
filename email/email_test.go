package email

import (
	"strings"
	"testing"
	"time"
)

func sample(hostDims ...map[string]string) Notification {
	n := Notification{
		AlarmID: "0f2c6e5e-7a38-4c55-9b8e-0d1f3a1f0c11", AlarmName: "monhook-k7qz2m4a-alarm", State: "ALARM",
		Severity: "LOW", Message: "Thresholds were exceeded for the sub-alarms: avg(x) > 1.0",
		Timestamp: time.Date(2026, 12, 7, 3, 4, 5, 0, time.UTC), From: "monasca@example.org", To: "canary@example.org",
	}
	for _, d := range hostDims {
		n.Metrics = append(n.Metrics, Metric{Name: "monhook.synthetic", Dimensions: d})
	}
	return n
}

func TestComposeParseRoundTrip(t *testing.T) {
	now := time.Date(2026, 12, 7, 3, 4, 6, 0, time.UTC)
	cases := []struct {
		name     string
		n        Notification
		host     string
		wantSubj string
	}{
		{"one host", sample(map[string]string{"hostname": "h1", "run": "x"}), "h1", `ALARM LOW "monhook-k7qz2m4a-alarm" for Host: h1`},
		{"host and target", sample(map[string]string{"hostname": "h1", "target_host": "t9"}), "h1", `ALARM LOW "monhook-k7qz2m4a-alarm" for Host: h1 Target: t9`},
		// The plugin writes a trailing space; header parsing trims it.
		{"no host", sample(map[string]string{"run": "x"}), "", `ALARM LOW "monhook-k7qz2m4a-alarm"`},
		{"two hosts", sample(map[string]string{"hostname": "h1"}, map[string]string{"hostname": "h2"}), "", `ALARM LOW "monhook-k7qz2m4a-alarm"`},
	}
	for _, f := range []Format{FormatMitaka, FormatPike, FormatQueens} {
		for _, c := range cases {
			t.Run(f.String()+"/"+c.name, func(t *testing.T) {
				raw := Compose(c.n, f, now)
				m, findings := Parse(raw)
				if len(findings) > 0 {
					t.Fatalf("findings %v on\n%s", findings, raw)
				}
				if m.Subject != c.wantSubj || m.AlarmID != c.n.AlarmID || m.AlarmName != c.n.AlarmName ||
					m.State != "ALARM" || m.Severity != "LOW" || m.Host != c.host || m.From != c.n.From || m.To != c.n.To {
					t.Fatalf("parsed %+v", m)
				}
				if !m.Transitioned.Equal(c.n.Timestamp) {
					t.Errorf("transitioned %v, want %v", m.Transitioned, c.n.Timestamp)
				}
				if f != FormatMitaka && !strings.HasPrefix(string(raw), "Content-Type: text/plain; charset=\"utf-8\"\r\nMIME-Version: 1.0\r\nContent-Transfer-Encoding: base64\r\nSubject: =?utf-8?q?") {
					t.Errorf("pike and later: a base64 utf-8 body and an encoded subject, got\n%s", raw)
				}
				if m.Format != f.String() {
					t.Errorf("format %s, want %s", m.Format, f)
				}
				if f == FormatMitaka && m.Date != (time.Time{}) || f != FormatMitaka && !m.Date.Equal(now) {
					t.Errorf("date %v for %s", m.Date, f)
				}
			})
		}
	}
}

func TestComposeBodyLayout(t *testing.T) {
	n := sample(map[string]string{"hostname": "h1", "service": "monitoring"})
	_, queens := render(n, FormatQueens)
	want := "On host \"h1\" thresholds were exceeded for the sub-alarms: avg(x) > 1.0\n\n" +
		"Alarm \"monhook-k7qz2m4a-alarm\" transitioned to the ALARM state at Mon Dec  7 03:04:05 2026 UTC\n" +
		"alarm_id: 0f2c6e5e-7a38-4c55-9b8e-0d1f3a1f0c11\n\n" +
		"Lifecycle state: None\nLink: None\nLink to Grafana: None\n\n" +
		"With dimensions:\n[\n  {\n    hostname: h1,\n    service: monitoring\n  } \n]"
	if queens != want {
		t.Fatalf("queens body\n%q\nwant\n%q", queens, want)
	}
	_, mitaka := render(n, FormatMitaka)
	if strings.Contains(mitaka, "Grafana") || !strings.Contains(mitaka, "alarm_id: 0f2c6e5e-7a38-4c55-9b8e-0d1f3a1f0c11\nLifecycle state: None\n") {
		t.Fatalf("mitaka body\n%s", mitaka)
	}
}

// A message exactly as Python 3's email package writes the plugin's
// MIMEText(text, 'plain', 'utf-8') with a Header(subject, 'utf-8'): the
// subject Q-encoded, the body base64.
const pythonMail = "Content-Type: text/plain; charset=\"utf-8\"\n" +
	"MIME-Version: 1.0\n" +
	"Content-Transfer-Encoding: base64\n" +
	"Subject: =?utf-8?q?OK_LOW_=22monhook-abcdefgh-alarm=22_for_Host=3A_compute-1=2Eexample=2Eorg?=\n" +
	"From: monasca@example.org\n" +
	"To: canary@example.org\n" +
	"Date: Mon, 07 Dec 2026 03:11:12 +0000\n" +
	"\n" +
	"T24gaG9zdCAiY29tcHV0ZS0xLmV4YW1wbGUub3JnIiB0aGUgYWxhcm0gaGFzIGNsZWFyZWQKCkFs\n" +
	"YXJtICJtb25ob29rLWFiY2RlZmdoLWFsYXJtIiB0cmFuc2l0aW9uZWQgdG8gdGhlIE9LIHN0YXRl\n" +
	"IGF0IE1vbiBEZWMgIDcgMDM6MTE6MTAgMjAyNiBVVEMKYWxhcm1faWQ6IGFiYy0xMjMKCkxpZmVj\n" +
	"eWNsZSBzdGF0ZTogTm9uZQpMaW5rOiBOb25lCkxpbmsgdG8gR3JhZmFuYTogTm9uZQoKV2l0aCBk\n" +
	"aW1lbnNpb25zOgpbCiAgewogICAgaG9zdG5hbWU6IGNvbXB1dGUtMS5leGFtcGxlLm9yZwogIH0g\n" +
	"Cl0=\n"

func TestParsePythonWrittenMail(t *testing.T) {
	m, findings := Parse([]byte(pythonMail))
	if len(findings) > 0 {
		t.Fatalf("findings %v", findings)
	}
	if m.State != "OK" || m.AlarmName != "monhook-abcdefgh-alarm" || m.AlarmID != "abc-123" ||
		m.Host != "compute-1.example.org" || m.Format != "queens" {
		t.Fatalf("parsed %+v", m)
	}
}

func TestParseFindings(t *testing.T) {
	good := string(Compose(sample(map[string]string{"hostname": "h1"}), FormatMitaka, time.Time{}))
	cases := []struct {
		name, raw, code string
	}{
		{"not a message", "no headers at all", FindingNotMessage},
		{"foreign subject", strings.Replace(good, `Subject: ALARM LOW "monhook-k7qz2m4a-alarm" for Host: h1`, "Subject: Your invoice", 1), FindingSubject},
		{"no alarm id", strings.Replace(good, "alarm_id: ", "id: ", 1), FindingAlarmID},
		{"no transition line", strings.Replace(good, "transitioned to", "went to", 1), FindingBody},
		{"subject and body disagree", strings.Replace(good, "transitioned to the ALARM", "transitioned to the OK", 1), FindingMismatch},
		{"no sender", strings.Replace(good, "From: monasca@example.org\r\n", "", 1), FindingSender},
		{"bad base64", "Content-Transfer-Encoding: base64\r\nSubject: x\r\nFrom: a@b\r\n\r\n!!!!\r\n", FindingNotMessage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, findings := Parse([]byte(c.raw))
			for _, f := range findings {
				if f.Code == c.code {
					return
				}
			}
			t.Fatalf("findings %v, want %s", findings, c.code)
		})
	}
}

func TestFormatFor(t *testing.T) {
	for rel, want := range map[string]Format{"mitaka": FormatMitaka, "Ocata": FormatMitaka, "pike": FormatPike,
		"queens": FormatQueens, "train": FormatQueens, "zed": FormatQueens} {
		if got, ok := FormatFor(rel); !ok || got != want {
			t.Errorf("FormatFor(%q) = %v, %v", rel, got, ok)
		}
	}
	if got, ok := FormatFor("nonsense"); ok || got != Latest {
		t.Errorf("unknown release: %v %v", got, ok)
	}
}
