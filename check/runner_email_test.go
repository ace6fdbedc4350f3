package check_test

import (
	"bytes"
	"net"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/check"
	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/email"
	"github.com/monhook/monhook/email/mailbox"
	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/lab/notifier"
	"github.com/monhook/monhook/internal/lab/profile"
	"github.com/monhook/monhook/internal/labtest"
	"github.com/monhook/monhook/internal/mailserver"
	"github.com/monhook/monhook/internal/mailserver/mailservertest"
	"github.com/monhook/monhook/scenarios"
)

const canary = "canary@monhook-lab.invalid"

// mailLab is a lab whose notifier mails through an embedded SMTP server
// into an IMAP mailbox.
func mailLab(t *testing.T) (*lab.Lab, *mailserver.Server, mailbox.Config) {
	t.Helper()
	ms, cfg := mailservertest.Start(t, canary)
	l := labtest.Start(t, lab.Options{Speed: labSpeed, SMTP: notifier.SMTP{Addr: ms.SMTPAddr()}})
	return l, ms, cfg
}

func emailRunner(t *testing.T, l *lab.Lab, cfg mailbox.Config, scenario string) *check.Runner {
	r := newRunner(t, l, scenario)
	r.Email = &check.EmailOptions{To: canary, Mailbox: cfg, Password: mailservertest.Password, Poll: 50 * time.Millisecond}
	return r
}

func mailsIn(t *testing.T, cfg mailbox.Config) []mailbox.Message {
	t.Helper()
	return mailservertest.Messages(t, cfg, 10*time.Second)
}

// sendMail hands a mail to the lab's SMTP server, as another sender would.
func sendMail(t *testing.T, ms *mailserver.Server, n email.Notification) {
	n.From, n.To = notifier.DefaultFrom, canary
	if err := smtp.SendMail(ms.SMTPAddr(), nil, n.From, []string{canary}, email.Compose(n, email.Latest, time.Now())); err != nil {
		t.Error(err)
	}
}

func TestEmailOkCyclePassesAndTeardownDeletesTheMail(t *testing.T) {
	l, _, cfg := mailLab(t)
	rep := run(t, emailRunner(t, l, cfg, "ok-cycle"), time.Minute)
	if rep.Verdict != report.VerdictPass || rep.ExitCode != 0 {
		t.Fatalf("verdict %s exit %d: %s", rep.Verdict, rep.ExitCode, rep.Error)
	}
	if len(rep.Deliveries) != 2 {
		t.Fatalf("%d deliveries, want ALARM and OK", len(rep.Deliveries))
	}
	for i, want := range []string{"ALARM", "OK"} {
		d := rep.Deliveries[i]
		if d.State != want || !d.Expected || d.Mail == nil || d.Mail.From != notifier.DefaultFrom ||
			!strings.Contains(d.Mail.Subject, "monhook-"+rep.RunID+"-alarm") || d.Mail.InMailboxAt.IsZero() {
			t.Errorf("delivery %d: %+v mail %+v", i+1, d, d.Mail)
		}
	}
	if left := mailsIn(t, cfg); len(left) != 0 {
		t.Errorf("%d mails left in the mailbox after teardown", len(left))
	}
	assertNothingLeft(t, l)
}

func TestEmailMailOfAnotherRunIsAStrayNotCounted(t *testing.T) {
	l, ms, cfg := mailLab(t)
	r := emailRunner(t, l, cfg, "synthetic")
	r.Progress = func(stage string) {
		if stage == scenarios.StageTrigger {
			sendMail(t, ms, email.Notification{AlarmID: "x", AlarmName: "monhook-aaaaaaaa-alarm", State: "ALARM",
				Severity: "LOW", Timestamp: time.Now()})
		}
	}
	rep := run(t, r, time.Minute)
	if rep.Verdict != report.VerdictPass {
		t.Fatalf("verdict %s: %s", rep.Verdict, rep.Error)
	}
	var other int
	for _, s := range rep.Strays {
		if s.Reason == "other-run" {
			other++
		}
	}
	if other != 1 || len(rep.Deliveries) != 1 {
		t.Fatalf("strays %+v, deliveries %d; want the other run's mail as one stray", rep.Strays, len(rep.Deliveries))
	}
	// Teardown deletes this run's mail only.
	if left := mailsIn(t, cfg); len(left) != 1 || !bytes.Contains(left[0].Raw, []byte("monhook-aaaaaaaa-alarm")) {
		t.Errorf("mailbox after teardown: %d mails", len(left))
	}
}

func TestEmailForgedMailForThisRunFails(t *testing.T) {
	ms, cfg := mailservertest.Start(t, canary)
	// The lab mails nothing: the forged mail is the only one.
	l := labtest.Start(t, lab.Options{Speed: labSpeed})
	r := emailRunner(t, l, cfg, "synthetic")
	r.RunID = "forgedaa"
	r.Progress = func(stage string) {
		if stage == scenarios.StageDelivery {
			// This run's alarm name, but an alarm id the API never listed.
			sendMail(t, ms, email.Notification{AlarmID: "not-the-alarm", AlarmName: "monhook-forgedaa-alarm", State: "ALARM",
				Severity: "LOW", Timestamp: time.Now()})
		}
	}
	rep := run(t, r, time.Minute)
	if rep.ExitCode != 1 || !strings.Contains(rep.Error, `alarm_id "not-the-alarm"`) {
		t.Fatalf("exit %d: %s", rep.ExitCode, rep.Error)
	}
	if len(rep.Deliveries) != 1 || rep.Deliveries[0].Expected {
		t.Fatalf("deliveries %+v: want the forged mail listed, not counted", rep.Deliveries)
	}
}

func TestEmailLoginRefusedIsExit3BeforeAnythingIsCreated(t *testing.T) {
	l, _, cfg := mailLab(t)
	r := emailRunner(t, l, cfg, "synthetic")
	r.Email.Password = "wrong-secret"
	rep := run(t, r, time.Minute)
	if rep.ExitCode != 3 || len(rep.Resources) != 0 {
		t.Fatalf("exit %d, resources %v: %s", rep.ExitCode, rep.Resources, rep.Error)
	}
	st := stageNamed(t, rep, scenarios.StageReceiver)
	if !strings.Contains(strings.Join(st.Hints, " "), "MONHOOK_IMAP_PASSWORD") {
		t.Errorf("hints %v: want the password hint", st.Hints)
	}
	if strings.Contains(rep.Error+strings.Join(st.Hints, " "), "wrong-secret") {
		t.Error("the report shows the password")
	}
}

func TestEmailMailboxUnreachableIsExit3(t *testing.T) {
	l, _, cfg := mailLab(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = ln.Addr().String()
	_ = ln.Close()
	r := emailRunner(t, l, cfg, "synthetic")
	rep := run(t, r, time.Minute)
	if rep.ExitCode != 3 || len(rep.Resources) != 0 || !strings.Contains(rep.Error, "unreachable") {
		t.Fatalf("exit %d, resources %v: %s", rep.ExitCode, rep.Resources, rep.Error)
	}
}

func TestEmailSMTPRefusalIsAMissingMailWithTheHint(t *testing.T) {
	_, cfg := mailservertest.Start(t, canary)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	_ = ln.Close()
	l := labtest.Start(t, lab.Options{Speed: labSpeed, SMTP: notifier.SMTP{Addr: dead}})
	rep := run(t, emailRunner(t, l, cfg, "synthetic"), time.Minute)
	if rep.ExitCode != 1 {
		t.Fatalf("exit %d: %s", rep.ExitCode, rep.Error)
	}
	st := stageNamed(t, rep, scenarios.StageDelivery)
	if !strings.Contains(strings.Join(st.Hints, " "), "[email_notifier] server") {
		t.Errorf("hints %v: want the SMTP hint", st.Hints)
	}
	assertNothingLeft(t, l)
}

func stageNamed(t *testing.T, rep *report.Report, name string) report.Stage {
	t.Helper()
	for _, s := range rep.Stages {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no stage %s", name)
	return report.Stage{}
}

// Periodic by email: a Monasca before Ussuri refuses a period on EMAIL
// methods; the run says so, exits 2 and creates nothing. From Ussuri the
// periodic re-sends arrive by mail.
func TestEmailPeriodicFollowsWhatTheAPIAccepts(t *testing.T) {
	for _, c := range []struct {
		release, api string
		exit         int
	}{{"train", "python", 2}, {"ussuri", "java", 2}, {"ussuri", "python", 0}} {
		t.Run(c.release+"/"+c.api, func(t *testing.T) {
			ms, cfg := mailservertest.Start(t, canary)
			l := labtest.Start(t, lab.Options{Speed: labSpeed, Profile: profile.MustParse(c.release, c.api),
				SMTP: notifier.SMTP{Addr: ms.SMTPAddr()}})
			rep := run(t, emailRunner(t, l, cfg, "periodic"), time.Minute)
			if rep.ExitCode != c.exit {
				t.Fatalf("exit %d, want %d: %s", rep.ExitCode, c.exit, rep.Error)
			}
			if c.exit == 2 && (len(rep.Resources) != 0 || !strings.Contains(rep.Error, "refuses a period on EMAIL methods")) {
				t.Fatalf("resources %v: %s", rep.Resources, rep.Error)
			}
			assertNothingLeft(t, l)
		})
	}
}

// Receiver.ForwardTo left set on an EMAIL run (Email: Receiver is unused)
// once dereferenced the receiver that never started: a panic mid-run,
// after the method and definition were created. It relays nothing now.
func TestEmailRunIgnoresTheWebhookForwardTo(t *testing.T) {
	l, _, cfg := mailLab(t)
	r := emailRunner(t, l, cfg, "synthetic")
	r.Receiver.ForwardTo = "http://127.0.0.1:9/"
	rep := run(t, r, time.Minute)
	if rep.Verdict != report.VerdictPass || rep.ExitCode != 0 {
		t.Fatalf("verdict %s exit %d: %s", rep.Verdict, rep.ExitCode, rep.Error)
	}
	for _, s := range rep.Stages {
		if s.Name == check.StageConsumer {
			t.Errorf("an EMAIL run has a consumer stage: %+v", s)
		}
	}
	assertNothingLeft(t, l)
}
