package serve

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	dto "github.com/prometheus/client_model/go"

	"github.com/monhook/monhook/email"
	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/lab/notifier"
	"github.com/monhook/monhook/internal/mailserver/mailservertest"
	"github.com/monhook/monhook/marker"
)

// With a mailbox for type=email probes, the sweep deletes this instance's
// old run mail there (what a killed run or a late mail leaves), as
// `cleanup --imap` finds it, and counts it like a cloud's leftovers; a run
// in flight's mail, young mail, another instance's and mail without the
// run marker stay. It looks only once email probes run here.
func TestSweepDeletesThisInstancesOldRunMail(t *testing.T) {
	const addr = "canary@monhook-lab.invalid"
	ms, cfg := mailservertest.Start(t, addr)
	l := startLabWith(t, lab.Options{SMTP: notifier.SMTP{Addr: ms.SMTPAddr()}})
	s := startServer(t, l, Config{InstanceID: "abcd", SweepInterval: 20 * time.Millisecond,
		Email: &EmailOptions{To: addr, Mailbox: cfg, Password: mailservertest.Password, Poll: 50 * time.Millisecond}})
	<-s.SweepDone()
	inFlight := s.ids.next()
	defer s.ids.release(inFlight)
	old := time.Now().Add(-2 * time.Hour) // beyond any sweep age
	stored := func(alarmName string, at time.Time) {
		t.Helper()
		n := email.Notification{AlarmID: "a", AlarmName: alarmName, State: "ALARM", Severity: "LOW",
			Timestamp: at, From: "monasca@x.invalid", To: addr}
		appendMail(t, cfg.Addr, addr, email.Compose(n, email.Latest, at), at)
	}
	stored(marker.ResourceName("abcdaaaa", "alarm"), old)        // ours, its run long over: swept
	stored(marker.ResourceName("abcdyyyy", "alarm"), time.Now()) // ours, young (a twin's run may be going): kept
	stored(marker.ResourceName(inFlight, "alarm"), old)          // ours, in flight: kept
	stored(marker.ResourceName("wxyzaaaa", "alarm"), old)        // another instance's: kept
	stored("monhook-prod-alerts", old)                           // no run marker: kept

	label := cfg.String()
	// No email target and no email probe yet: sweeps leave the mailbox alone.
	awaitMetric(t, s, "three more sweeps", func(m map[string]*dto.MetricFamily) bool {
		mm, ok := sample(m, "monhook_sweeps_total", "cloud", "env", "result", "ok")
		return ok && value(mm) >= 3
	})
	if _, ok := sample(parseMetrics(t, get(t, s.URL()+"/metrics").body), "monhook_sweeps_total", "cloud", label); ok {
		t.Fatal("the sweep looked at the mailbox before any email probe ran")
	}
	if a := get(t, probeURL(s, "synthetic", "type=email")); !strings.Contains(a.body, "\nmonhook_probe_success 1\n") {
		t.Fatalf("email probe:\n%s", a.body)
	}
	awaitMetric(t, s, "one leftover mail deleted", func(m map[string]*dto.MetricFamily) bool {
		mm, ok := sample(m, "monhook_swept_resources_total", "cloud", label, "outcome", "deleted")
		return ok && value(mm) == 1
	})
	msgs := mailservertest.Messages(t, cfg, time.Minute)
	var left []string
	for _, m := range msgs {
		parsed, _ := email.Parse(m.Raw)
		left = append(left, parsed.AlarmName)
	}
	sort.Strings(left)
	want := []string{marker.ResourceName("abcdyyyy", "alarm"), marker.ResourceName(inFlight, "alarm"), "monhook-prod-alerts", marker.ResourceName("wxyzaaaa", "alarm")}
	sort.Strings(want)
	if strings.Join(left, " ") != strings.Join(want, " ") {
		t.Errorf("mail left after the sweep: %v, want %v", left, want)
	}
	exp := parseMetrics(t, get(t, s.URL()+"/metrics").body)
	if v := mustValue(t, exp, "monhook_leftover_resources", "cloud", label); v != 0 {
		t.Errorf("leftovers = %v, want 0 once deleted", v)
	}
}

// appendMail stores raw in the INBOX as received at: IMAP APPEND sets the
// INTERNALDATE the sweep's age is read from.
func appendMail(t *testing.T, imapAddr, user string, raw []byte, at time.Time) {
	t.Helper()
	c, err := imapclient.DialInsecure(imapAddr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(user, mailservertest.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	cmd := c.Append("INBOX", int64(len(raw)), &imap.AppendOptions{Time: at})
	if _, err := cmd.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}
