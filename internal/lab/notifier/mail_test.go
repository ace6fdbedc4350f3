package notifier

import (
	"testing"
	"time"

	"github.com/monhook/monhook/email"
	"github.com/monhook/monhook/email/mailbox"
	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/internal/mailserver"
	"github.com/monhook/monhook/internal/mailserver/mailservertest"
)

const canary = "canary@monhook-lab.invalid"

func mailRig(t *testing.T, f email.Format) (*rig, *mailserver.Server) {
	t.Helper()
	ms, _ := mailservertest.Start(t, canary)
	r := newRigWith(t, Options{Speed: 1, Workers: 2, SMTP: SMTP{Addr: ms.SMTPAddr(), Format: f}})
	return r, ms
}

func (r *rig) setupEmail(address string) {
	r.store.setMethod(model.NotificationMethod{ID: "m1", Type: "EMAIL", Address: address})
	r.store.defs["d1"] = model.AlarmDefinition{ID: "d1", TenantID: "p1", Name: "cpu high", AlarmActions: []string{"m1"}, ActionsEnabled: true}
	r.store.setAlarmState("a1", model.StateAlarm)
}

func readMailbox(t *testing.T, ms *mailserver.Server) []mailbox.Message {
	t.Helper()
	cfg, err := mailbox.ParseURL(ms.IMAPURL())
	if err != nil {
		t.Fatal(err)
	}
	return mailservertest.Messages(t, cfg, waitLimit)
}

func TestEmailMethodIsMailedInTheReleaseFormat(t *testing.T) {
	for _, f := range []email.Format{email.FormatMitaka, email.FormatPike, email.FormatQueens} {
		t.Run(f.String(), func(t *testing.T) {
			r, ms := mailRig(t, f)
			r.setupEmail(canary)
			tr := transition()
			tr.Severity = "LOW"
			r.publish(tr)
			r.want("transition")
			r.want("sent")
			msgs := readMailbox(t, ms)
			if len(msgs) != 1 {
				t.Fatalf("%d mails in the mailbox, want 1", len(msgs))
			}
			m, findings := email.Parse(msgs[0].Raw)
			if len(findings) > 0 {
				t.Fatalf("findings %v in\n%s", findings, msgs[0].Raw)
			}
			if m.AlarmID != "a1" || m.AlarmName != "cpu high" || m.State != "ALARM" || m.Host != "h1" ||
				m.From != DefaultFrom || m.To != canary || m.Format != f.String() {
				t.Fatalf("mail %+v", m)
			}
			if want := time.Unix(1429023453, 0); !m.Transitioned.Equal(want) {
				t.Errorf("transitioned %v, want %v", m.Transitioned, want)
			}
		})
	}
}

func TestRefusedMailIsRetried(t *testing.T) {
	r, ms := mailRig(t, email.Latest)
	r.setupEmail("nobody@elsewhere.invalid") // the server answers 550
	r.publish(transition())
	r.want("transition")
	if j := r.want("failed"); j.mail == nil {
		t.Fatalf("failed job %+v is not a mail", j)
	}
	// The retry's timer is set after the trace event: wait for it.
	r.clock.BlockUntilWaiters(1)
	r.clock.Advance(RetryInterval)
	if j := r.want("failed"); j.kind != retry || j.attempt != 1 {
		t.Fatalf("job %+v, want retry 1", j)
	}
	if ms.Accepted() != 0 {
		t.Errorf("%d mails accepted", ms.Accepted())
	}
}

func TestEmailUnsentWithoutSmarthost(t *testing.T) {
	r := newRig(t, 1)
	r.setupEmail(canary)
	r.publish(transition())
	r.want("transition")
	if r.eng.Stats() != (Stats{}) {
		t.Errorf("stats %+v; want nothing sent", r.eng.Stats())
	}
}
