package cli

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/monhook/monhook/email"
	"github.com/monhook/monhook/email/mailbox"
)

// kindMail is a leftover mail of `check --type email` in cleanup's list.
const kindMail = "mail"

// cleanupMailbox is cleanup's --imap: the mailbox whose monhook mail is a
// leftover too (a run killed before its teardown, or mail that arrived
// after it).
type cleanupMailbox struct {
	IMAP string

	cfg      mailbox.Config
	password string
	mb       *mailbox.Mailbox
}

// validate parses --imap and reads the password, before any call.
func (c *cleanupMailbox) validate(io *IOStreams) error {
	if c.IMAP == "" {
		return nil
	}
	f := emailFlags{Type: "email", EmailTo: "unused@monhook.invalid", IMAP: c.IMAP}
	if err := f.validateMailbox(io); err != nil {
		return err
	}
	c.cfg, c.password = f.mailbox, f.password
	return nil
}

// find lists the mails that name a monhook run (the alarm definition's
// name in the subject, marker.RunIDOf), filtered like the resources: by
// run id, and by the time the server stored them.
func (c *cleanupMailbox) find(ctx context.Context, o *cleanupOptions, now time.Time) ([]leftover, error) {
	if c.IMAP == "" {
		return nil, nil
	}
	mb, err := mailbox.Dial(ctx, c.cfg, c.password, mailbox.Options{})
	if err != nil {
		return nil, fmt.Errorf("--imap: %w", err)
	}
	c.mb = mb
	mails, err := email.FindRunMail(ctx, mb, email.RunMailFilter{RunID: o.RunID, OlderThan: o.OlderThan, Now: now})
	if err != nil {
		return nil, fmt.Errorf("--imap: searching %s: %w", c.cfg, err)
	}
	out := make([]leftover, 0, len(mails))
	for _, m := range mails {
		out = append(out, leftover{Kind: kindMail, ID: strconv.FormatUint(uint64(m.UID), 10), Name: m.Subject,
			RunID: m.RunID, Created: m.Stored})
	}
	return out, nil
}

// delete removes one leftover mail.
func (c *cleanupMailbox) delete(ctx context.Context, l leftover) error {
	uid, err := strconv.ParseUint(l.ID, 10, 32)
	if err != nil {
		return err
	}
	return c.mb.Delete(ctx, []uint32{uint32(uid)})
}

func (c *cleanupMailbox) close() {
	if c.mb != nil {
		_ = c.mb.Close()
	}
}
