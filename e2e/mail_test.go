//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/smtp"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/monhook/monhook/check"
	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/email"
	"github.com/monhook/monhook/email/mailbox"
	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/lab/notifier"
	"github.com/monhook/monhook/internal/labtest"
	"github.com/monhook/monhook/scenarios"
)

// The mail tier runs Debian's real postfix and dovecot-imapd on loopback
// (e2e/mail/mail.sh): the lab's notifier hands its mail to postfix, postfix
// delivers it into a Maildir, and monhook reads it over IMAPS with a
// self-signed certificate trusted through SSL_CERT_FILE. Root only; skipped
// unless MONHOOK_E2E_MAIL=1 (then mail.sh configures and starts both, and
// any failure fails).

var (
	mailOnce sync.Once
	mailEnv  map[string]string
	mailErr  string
)

func requireMail(t *testing.T) map[string]string {
	t.Helper()
	if os.Getenv("MONHOOK_E2E_MAIL") != "1" {
		t.Skip("MONHOOK_E2E_MAIL=1 runs postfix and dovecot-imapd on loopback (root; e2e/mail/mail.sh)")
	}
	mailOnce.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, filepath.Join(filepath.Dir(file), "mail", "mail.sh"), "start")
		cmd.Env = append(os.Environ(), "MAIL_INSTALL=1")
		out, err := cmd.Output()
		if err != nil {
			var stderr string
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = string(ee.Stderr)
			}
			mailErr = "e2e/mail/mail.sh start: " + err.Error() + "\n" + stderr
			return
		}
		mailEnv = map[string]string{}
		sc := bufio.NewScanner(strings.NewReader(string(out)))
		for sc.Scan() {
			if k, v, ok := parseExport(sc.Text()); ok {
				mailEnv[k] = v
			}
		}
	})
	if mailErr != "" {
		t.Fatal(mailErr)
	}
	return mailEnv
}

// mailCheck runs check --type email against the lab process with the
// mail servers' settings; extra are KEY=VALUE overrides.
func mailCheck(t *testing.T, lp *labProcess, m map[string]string, to, imap string, extra []string, args ...string) result {
	t.Helper()
	env := lp.Env(append([]string{"MONHOOK_IMAP_PASSWORD=" + m["MONHOOK_IMAP_PASSWORD"], "SSL_CERT_FILE=" + m["SSL_CERT_FILE"]}, extra...)...)
	return runMonhook(t, env, append([]string{"check", "--type", "email", "--email-to", to, "--imap", imap,
		"--speed", e2eSpeed, "-o", "json"}, args...)...)
}

// assertMailboxClean lists monhook mail left in the mailbox through the
// binary's own cleanup.
func assertMailboxClean(t *testing.T, lp *labProcess, m map[string]string) {
	t.Helper()
	r := runMonhook(t, lp.Env("MONHOOK_IMAP_PASSWORD="+m["MONHOOK_IMAP_PASSWORD"], "SSL_CERT_FILE="+m["SSL_CERT_FILE"]),
		"cleanup", "--dry-run", "-o", "json", "--imap", m["MONHOOK_MAIL_IMAP"])
	var doc struct {
		Resources []map[string]any `json:"resources"`
	}
	if r.Code != 0 || json.Unmarshal([]byte(r.Stdout), &doc) != nil || len(doc.Resources) != 0 {
		t.Errorf("cleanup --dry-run --imap: exit %d, left %s\n%s", r.Code, r.Stdout, r.Stderr)
	}
}

func TestMailChecksPassThroughPostfixAndDovecot(t *testing.T) {
	m := requireMail(t)
	lp := startLabProcess(t, "--speed", e2eSpeed, "--smtp", m["MONHOOK_MAIL_SMTP"])
	for _, sc := range []string{"synthetic", "ok-cycle", "api-state"} {
		t.Run(sc, func(t *testing.T) {
			r := mailCheck(t, lp, m, m["MONHOOK_MAIL_TO"], m["MONHOOK_MAIL_IMAP"], nil, "-s", sc)
			rep := parseReport(t, r)
			if r.Code != 0 || rep.Verdict != report.VerdictPass {
				t.Fatalf("exit %d, verdict %s: %s\n%s", r.Code, rep.Verdict, rep.Error, r.Stderr)
			}
			for _, d := range rep.Deliveries {
				if !d.Expected || d.Mail == nil || d.Mail.To != m["MONHOOK_MAIL_TO"] || d.Mail.InMailboxAt.IsZero() {
					t.Errorf("delivery %+v, mail %+v", d, d.Mail)
				}
			}
		})
	}
	assertLabClean(t, lp)
	assertMailboxClean(t, lp, m)
}

func TestMailFaultsGiveTheirHints(t *testing.T) {
	m := requireMail(t)
	lp := startLabProcess(t, "--speed", e2eSpeed, "--smtp", m["MONHOOK_MAIL_SMTP"])
	closed := "imaps://canary%40monhook.test@127.0.0.1:1/INBOX"
	cases := []struct {
		name     string
		to, imap string
		extra    []string
		exit     int
		stage    string
		hint     string
		noneMade bool
	}{
		// postfix answers 550 to RCPT: nothing reaches the mailbox.
		{"smtp refuses", "nobody@monhook.test", m["MONHOOK_MAIL_IMAP"], nil, 1, scenarios.StageDelivery, "[email_notifier] server", false},
		{"imap login fails", m["MONHOOK_MAIL_TO"], m["MONHOOK_MAIL_IMAP"], []string{"MONHOOK_IMAP_PASSWORD=wrong"}, 3,
			scenarios.StageReceiver, "MONHOOK_IMAP_PASSWORD", true},
		{"mailbox unreachable", m["MONHOOK_MAIL_TO"], closed, nil, 3, scenarios.StageReceiver, "reachable from here", true},
		{"certificate not trusted", m["MONHOOK_MAIL_TO"], m["MONHOOK_MAIL_IMAP"], []string{"SSL_CERT_FILE=/nonexistent"}, 3,
			scenarios.StageReceiver, "SSL_CERT_FILE", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mailCheck(t, lp, m, c.to, c.imap, c.extra, "-s", "synthetic")
			rep := parseReport(t, r)
			if r.Code != c.exit {
				t.Fatalf("exit %d, want %d: %s\n%s", r.Code, c.exit, rep.Error, r.Stderr)
			}
			var hints []string
			for _, st := range rep.Stages {
				if st.Name == c.stage {
					hints = st.Hints
				}
			}
			if !strings.Contains(strings.Join(hints, " "), c.hint) {
				t.Errorf("%s hints %q, want %q", c.stage, hints, c.hint)
			}
			if c.noneMade && len(rep.Resources) != 0 {
				t.Errorf("created %v before failing", rep.Resources)
			}
			if strings.Contains(r.Stdout+r.Stderr, m["MONHOOK_IMAP_PASSWORD"]) {
				t.Error("the IMAP password was printed")
			}
		})
	}
	assertLabClean(t, lp)
}

// A mail that names another run arrives while this run waits: a stray,
// never counted; teardown deletes this run's mail and leaves the other.
func TestMailOfAnotherRunIsAStrayThroughRealServers(t *testing.T) {
	m := requireMail(t)
	l := labtest.Start(t, lab.Options{Speed: 60, SMTP: notifier.SMTP{Addr: m["MONHOOK_MAIL_SMTP"]}})
	// The system roots are read once per process: trust the certificate
	// through the options here (the binary tests use SSL_CERT_FILE).
	pem, err := os.ReadFile(m["SSL_CERT_FILE"])
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatal("no certificate in " + m["SSL_CERT_FILE"])
	}
	tc := &tls.Config{RootCAs: roots}
	cfg, err := mailbox.ParseURL(m["MONHOOK_MAIL_IMAP"])
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenarios.Builtin("synthetic")
	if err != nil {
		t.Fatal(err)
	}
	other := "monhook-aaaaaaaa-alarm"
	r := &check.Runner{
		Scenario: sc.Scaled(60),
		Connect: func(ctx context.Context) (check.Target, error) {
			s, err := labtest.Connect(ctx, l, l.Credentials())
			if err != nil {
				return check.Target{}, err
			}
			return check.Target{Client: s.Monitoring, ProjectID: s.ProjectID}, nil
		},
		Email: &check.EmailOptions{To: m["MONHOOK_MAIL_TO"], Mailbox: cfg, Password: m["MONHOOK_IMAP_PASSWORD"], TLSConfig: tc},
		Progress: func(stage string) {
			if stage != scenarios.StageTrigger {
				return
			}
			n := email.Notification{AlarmID: "x", AlarmName: other, State: "ALARM", Severity: "LOW", Timestamp: time.Now(),
				From: "monasca@monhook.test", To: m["MONHOOK_MAIL_TO"]}
			if err := smtp.SendMail(m["MONHOOK_MAIL_SMTP"], nil, n.From, []string{n.To}, email.Compose(n, email.FormatPike, time.Now())); err != nil {
				t.Error(err)
			}
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep := r.Run(ctx)
	if rep.Verdict != report.VerdictPass {
		t.Fatalf("verdict %s: %s", rep.Verdict, rep.Error)
	}
	var strays int
	for _, s := range rep.Strays {
		if s.Reason == "other-run" {
			strays++
		}
	}
	if strays != 1 || len(rep.Deliveries) != 1 {
		t.Fatalf("strays %+v, %d deliveries: want the other run's mail as one stray", rep.Strays, len(rep.Deliveries))
	}
	mb, err := mailbox.Dial(ctx, cfg, m["MONHOOK_IMAP_PASSWORD"], mailbox.Options{TLSConfig: tc})
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	left, err := mb.Matching(ctx, "monhook-", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || !strings.Contains(string(left[0].Raw), "=?utf-8?") {
		t.Fatalf("mailbox after teardown: %d monhook mails, want only the other run's", len(left))
	}
	if err := mb.Delete(ctx, []uint32{left[0].UID}); err != nil {
		t.Fatal(err)
	}
}
