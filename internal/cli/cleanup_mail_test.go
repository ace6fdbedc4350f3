package cli

import (
	"net/smtp"
	"testing"
	"time"

	"github.com/monhook/monhook/email"
	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/labtest"
	"github.com/monhook/monhook/internal/mailserver/mailservertest"
)

func TestCleanupImapDeletesOnlyMonhookRunMail(t *testing.T) {
	l := labtest.Start(t, lab.Options{Hosts: -1})
	ms, _ := mailservertest.Start(t, labMailbox)
	send := func(alarmName string) {
		n := email.Notification{AlarmID: "a", AlarmName: alarmName, State: "ALARM", Severity: "LOW",
			Timestamp: time.Now(), From: "monasca@x.invalid", To: labMailbox}
		if err := smtp.SendMail(ms.SMTPAddr(), nil, n.From, []string{labMailbox}, email.Compose(n, email.Latest, time.Now())); err != nil {
			t.Fatal(err)
		}
	}
	send("monhook-aaaaaaaa-alarm")
	send("monhook-bbbbbbbb-alarm")
	send("monhook-prod-alerts") // looks like monhook's, is not a run's
	t.Setenv(EnvIMAPPassword, mailservertest.Password)

	code, found := runCleanup(t, l, "--dry-run", "--imap", ms.IMAPURL())
	if code != 0 || len(found) != 2 || found[0].Kind != kindMail || found[0].Deleted {
		t.Fatalf("dry run: exit %d, %+v; want the two runs' mails, not deleted", code, found)
	}
	code, found = runCleanup(t, l, "--run-id", "aaaaaaaa", "--imap", ms.IMAPURL())
	if code != 0 || len(found) != 1 || found[0].RunID != "aaaaaaaa" || !found[0].Deleted {
		t.Fatalf("--run-id: exit %d, %+v", code, found)
	}
	code, found = runCleanup(t, l, "--older-than", "1h", "--imap", ms.IMAPURL())
	if code != 0 || len(found) != 0 {
		t.Fatalf("--older-than 1h: exit %d, %+v; the mail is seconds old", code, found)
	}
	code, found = runCleanup(t, l, "--imap", ms.IMAPURL())
	if code != 0 || len(found) != 1 || found[0].RunID != "bbbbbbbb" || !found[0].Deleted {
		t.Fatalf("all: exit %d, %+v", code, found)
	}
	if code, found = runCleanup(t, l, "--imap", ms.IMAPURL()); code != 0 || len(found) != 0 {
		t.Fatalf("after cleanup: exit %d, %+v (the look-alike must stay)", code, found)
	}
}
