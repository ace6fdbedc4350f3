package cli

import (
	"crypto/rand"
	"fmt"
	"net/mail"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/monhook/monhook/check"
	"github.com/monhook/monhook/email/mailbox"
	"github.com/monhook/monhook/internal/mailserver"
	"github.com/monhook/monhook/scenarios"
)

// EnvIMAPPassword holds the IMAP password for --imap.
const EnvIMAPPassword = "MONHOOK_IMAP_PASSWORD"

// labMailbox is the address of the embedded mailbox of --lab --type email.
const labMailbox = "canary@monhook-lab.invalid"

// emailFlags select the notification type and, for EMAIL, the mailbox.
type emailFlags struct {
	Type      string
	EmailTo   string
	EmailFrom string
	IMAP      string

	mailbox  mailbox.Config // parsed --imap
	password string         // from the environment or the prompt; never printed
}

func (f *emailFlags) addFlags(fl *pflag.FlagSet) {
	fl.StringVar(&f.Type, "type", "webhook", "notification type to check: webhook or email")
	fl.StringVar(&f.EmailTo, "email-to", "", "with --type email: the address the EMAIL method mails")
	fl.StringVar(&f.EmailFrom, "email-from", "", "with --type email: the sender Monasca's mail must come from (default: any, recorded)")
	fl.StringVar(&f.IMAP, "imap", "", "with --type email: where to read it, imaps://USER@HOST/INBOX ('@' in USER as %40; password: $"+EnvIMAPPassword+" or a prompt)")
}

func (f *emailFlags) email() bool { return f.Type == "email" }

// validate checks the type and the mailbox flags before anything runs; the
// password is read here too (environment, else a terminal prompt), so a
// missing one is exit 2, not a half-run check.
func (f *emailFlags) validate(cmd *cobra.Command, io *IOStreams, lab bool) error {
	f.Type = strings.ToLower(strings.TrimSpace(f.Type))
	switch f.Type {
	case "webhook":
		if given := givenFlags(cmd, "email-to", "email-from", "imap"); len(given) > 0 {
			return usageErrorf("%s need --type email", strings.Join(given, ", "))
		}
		return nil
	case "email":
	default:
		return usageErrorf("--type %q: want webhook or email", f.Type)
	}
	// The webhook path's flags, the lab notifier's webhook token among them:
	// by email nothing is posted to a receiver, so none of them can apply.
	if given := givenFlags(cmd, "listen", "callback-url", "tls-cert", "tls-key", "save", "forward-to",
		"skip-callback-test", "lab-notifier-auth-token"); len(given) > 0 {
		warnf(io, "%s ignored with --type email: no webhook is sent or received", strings.Join(given, ", "))
	}
	if err := validateEmailFrom("--email-from", f.EmailFrom); err != nil {
		return err
	}
	if lab {
		if given := givenFlags(cmd, "email-to", "imap"); len(given) > 0 {
			return usageErrorf("%s: --lab runs its own SMTP server and mailbox", strings.Join(given, ", "))
		}
		return nil
	}
	if f.EmailTo == "" || f.IMAP == "" {
		return usageErrorf("--type email needs --email-to ADDRESS (the mailbox Monasca mails) and --imap URL (where monhook reads it), " +
			"e.g. --email-to canary@example.org --imap imaps://canary%%40example.org@imap.example.org/INBOX")
	}
	return f.validateMailbox(io)
}

// validateEmailFrom checks a pinned sender: a bare address, or "" (any).
func validateEmailFrom(name, from string) error {
	if from == "" {
		return nil
	}
	if a, err := mail.ParseAddress(from); err != nil || a.Address != from {
		return usageErrorf("%s %q: want a bare address such as monasca@example.org", name, from)
	}
	return nil
}

// validateMailbox checks --email-to and --imap and reads the password.
func (f *emailFlags) validateMailbox(io *IOStreams) error {
	if a, err := mail.ParseAddress(f.EmailTo); err != nil || a.Address != f.EmailTo {
		return usageErrorf("--email-to %q: want a bare address such as canary@example.org", f.EmailTo)
	}
	c, err := mailbox.ParseURL(f.IMAP)
	if err != nil {
		// The error never repeats a password found in the URL.
		return usageErrorf("--imap: %v", err)
	}
	f.mailbox = c
	f.password = os.Getenv(EnvIMAPPassword)
	if f.password == "" {
		if io.readPassword == nil {
			return usageErrorf("no IMAP password: set %s (no terminal to prompt on)", EnvIMAPPassword)
		}
		fmt.Fprintf(io.ErrOut, "IMAP password for %s: ", c)
		pw, err := io.readPassword()
		fmt.Fprintln(io.ErrOut)
		if err != nil || pw == "" {
			return usageErrorf("no IMAP password: set %s or type it at the prompt", EnvIMAPPassword)
		}
		f.password = pw
	}
	return nil
}

// options are the runner's EMAIL options against a real mailbox.
func (f *emailFlags) options() *check.EmailOptions {
	return &check.EmailOptions{To: f.EmailTo, From: f.EmailFrom, Mailbox: f.mailbox, Password: f.password}
}

// startLabMailbox runs the embedded SMTP server and IMAP mailbox of
// --lab --type email, with a fresh password, and returns the runner's
// options for it.
func startLabMailbox() (*mailserver.Server, *check.EmailOptions, error) {
	pw := rand.Text()
	ms, err := mailserver.Start(mailserver.Options{Address: labMailbox, Password: pw})
	if err != nil {
		return nil, nil, cannotRun(fmt.Errorf("starting the lab's mailbox: %w", err))
	}
	c, err := mailbox.ParseURL(ms.IMAPURL())
	if err != nil {
		_ = ms.Close()
		return nil, nil, cannotRun(err)
	}
	// The lab's notifier mails at once: poll often.
	return ms, &check.EmailOptions{To: labMailbox, Mailbox: c, Password: pw, Poll: labMailPoll}, nil
}

// labMailPoll is how often --lab --type email reads its mailbox.
const labMailPoll = 100 * time.Millisecond

// emailScenario refuses, before anything is created, a scenario that
// scripts the webhook receiver's answers (retry): a mailbox answers
// nothing, the SMTP server in front of it does.
func emailScenario(sc *scenarios.Scenario) error {
	r := sc.Receiver
	if r.FailFirst > 0 || r.RespondStatus != 0 || r.Delay > 0 {
		return usageErrorf("scenario %s scripts the webhook receiver's answers (fail first, status, delay); "+
			"by email nothing answers monasca-notification but its SMTP server: run it with --type webhook", sc.Name)
	}
	return nil
}
