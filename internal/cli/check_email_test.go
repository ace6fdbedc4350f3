package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/monhook/monhook/internal/lab/notifier"
)

func TestEmailFlagMistakesAreUsageErrorsBeforeAnyCall(t *testing.T) {
	// OS_AUTH_URL points nowhere: a flag mistake must be reported before
	// any connection is tried.
	t.Setenv("OS_AUTH_URL", "http://127.0.0.1:1/v3")
	t.Setenv(EnvIMAPPassword, "")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown type", []string{"check", "--type", "sms"}, `--type "sms"`},
		{"email without mailbox", []string{"check", "--type", "email"}, "--email-to ADDRESS"},
		{"email without imap", []string{"check", "--type", "email", "--email-to", "c@example.org"}, "--imap URL"},
		{"bad address", []string{"check", "--type", "email", "--email-to", "nobody", "--imap", "imaps://u@h/INBOX"}, `--email-to "nobody"`},
		{"bad imap url", []string{"check", "--type", "email", "--email-to", "c@example.org", "--imap", "pop3://u@h"}, "--imap: scheme"},
		{"password in url", []string{"check", "--type", "email", "--email-to", "c@example.org", "--imap", "imaps://u:hunter2@h/INBOX"}, "MONHOOK_IMAP_PASSWORD"},
		{"no password, no terminal", []string{"check", "--type", "email", "--email-to", "c@example.org", "--imap", "imaps://u@h/INBOX"}, "no IMAP password"},
		{"mailbox flags without email", []string{"check", "--email-to", "c@example.org"}, "--email-to need --type email"},
		{"lab has its own mailbox", []string{"check", "--lab", "--type", "email", "--imap", "imaps://u@h/INBOX"}, "--lab runs its own"},
		{"retry by email", []string{"check", "--lab", "--type", "email", "-s", "retry"}, "scripts the webhook receiver"},
		{"bad sender", []string{"check", "--type", "email", "--email-from", "Monasca", "--email-to", "c@example.org", "--imap", "imaps://u@h/INBOX"}, `--email-from "Monasca": want a bare address`},
		{"sender without email", []string{"check", "--email-from", "monasca@example.org"}, "--email-from need --type email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 naming %s", code, stderr, tt.want)
			}
			if strings.Contains(stderr, "hunter2") {
				t.Errorf("stderr shows the password: %q", stderr)
			}
		})
	}
}

func TestEmailPasswordFromEnvironmentOrPrompt(t *testing.T) {
	t.Setenv(EnvIMAPPassword, "from-env")
	args := []string{"check", "--type", "email", "--email-to", "c@example.org", "--imap", "imaps://c%40example.org@imap.example.org/INBOX"}
	o, err := checkOptionsFor(t, args)
	if err != nil {
		t.Fatal(err)
	}
	if o.Email.password != "from-env" || o.Email.mailbox.User != "c@example.org" || o.Email.mailbox.Addr != "imap.example.org:993" {
		t.Fatalf("email options %+v", o.Email.mailbox)
	}
	t.Setenv(EnvIMAPPassword, "")
	streams, _, errOut := TestStreams()
	streams.SetPasswordReader(func() (string, error) { return "typed", nil })
	f := NewFactory(streams, "test")
	root := NewCmdRoot(f)
	var got *checkOptions
	replaceCommand(root, NewCmdCheck(f, func(_ context.Context, o *checkOptions) error { got = o; return nil }))
	root.SetArgs(args)
	if _, err := root.ExecuteC(); err != nil {
		t.Fatal(err)
	}
	if got.Email.password != "typed" || !strings.Contains(errOut.String(), "IMAP password for imaps://c%40example.org@imap.example.org:993/INBOX") {
		t.Fatalf("password %q, prompt %q", got.Email.password, errOut.String())
	}
}

func TestCheckLabEmailPassesWithDeliveriesInJSON(t *testing.T) {
	for _, sc := range []string{"synthetic", "ok-cycle"} {
		t.Run(sc, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "check", "--lab", "--type", "email", "-s", sc, "-o", "json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var rep struct {
				Verdict    string `json:"verdict"`
				Deliveries []struct {
					State    string          `json:"state"`
					Expected bool            `json:"expected"`
					Mail     json.RawMessage `json:"mail"`
				} `json:"deliveries"`
			}
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatal(err)
			}
			want := map[string]int{"synthetic": 1, "ok-cycle": 2}[sc]
			if rep.Verdict != "pass" || len(rep.Deliveries) != want {
				t.Fatalf("verdict %s, %d deliveries", rep.Verdict, len(rep.Deliveries))
			}
			for _, d := range rep.Deliveries {
				if !d.Expected || len(d.Mail) == 0 {
					t.Errorf("delivery %+v", d)
				}
			}
		})
	}
}

// --email-from pins the sender: the lab's mail from its own sender passes
// and names it; pinned to another address, the run's mail is a finding and
// is not counted (exit 1).
func TestCheckEmailFromPinsTheSender(t *testing.T) {
	for _, tc := range []struct {
		from string
		exit int
	}{{notifier.DefaultFrom, 0}, {"alerts@example.org", 1}} {
		t.Run(tc.from, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "check", "--lab", "--type", "email", "-s", "synthetic", "--timeout", "30s", "--email-from", tc.from, "-o", "json")
			if code != tc.exit {
				t.Fatalf("exit %d, want %d: %s", code, tc.exit, stderr)
			}
			var rep struct {
				Deliveries []struct {
					Expected bool `json:"expected"`
					Findings []struct {
						Code, Detail string
					} `json:"findings"`
					Mail struct {
						From string `json:"from"`
					} `json:"mail"`
				} `json:"deliveries"`
			}
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatal(err)
			}
			if len(rep.Deliveries) == 0 {
				t.Fatal("no delivery")
			}
			d := rep.Deliveries[0]
			if d.Mail.From != notifier.DefaultFrom {
				t.Errorf("mail from %q, want the lab's sender recorded", d.Mail.From)
			}
			wrong := len(d.Findings) == 1 && d.Findings[0].Code == "sender" &&
				strings.Contains(d.Findings[0].Detail, "is not the expected sender "+tc.from)
			if (tc.exit == 1) != wrong || d.Expected == wrong {
				t.Errorf("delivery %+v: want a sender finding (and not counted) only for a sender other than the pinned one", d)
			}
		})
	}
}

// --forward-to relays webhooks; with --type email there are none. It once
// crashed the run after the method and definition were created; it is a
// warning now, as for the receiver's other flags, and the run goes on.
func TestCheckEmailWarnsAboutForwardTo(t *testing.T) {
	code, _, stderr := runCLI(t, "check", "--lab", "--type", "email", "-s", "synthetic", "--forward-to", "http://127.0.0.1:9/")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "--forward-to ignored with --type email") {
		t.Errorf("no warning about --forward-to:\n%s", stderr)
	}
}

// The lab notifier's X-Auth-Token goes on webhooks only: with --type email
// the flag would do nothing, so it is named in a warning like the
// receiver's flags.
func TestCheckEmailWarnsAboutTheNotifierWebhookToken(t *testing.T) {
	code, _, stderr := runCLI(t, "check", "--lab", "--lab-release", "rocky", "--lab-notifier-auth-token", "--type", "email", "-s", "synthetic", "--skip-callback-test")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, flag := range []string{"--lab-notifier-auth-token", "--skip-callback-test"} {
		if !strings.Contains(stderr, flag) || !strings.Contains(stderr, "ignored with --type email") {
			t.Errorf("no warning naming %s:\n%s", flag, stderr)
		}
	}
	if strings.Contains(stderr, "nothing proves before the run") {
		t.Errorf("--skip-callback-test is ignored by email, yet warned about as if it took effect:\n%s", stderr)
	}
}
