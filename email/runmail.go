package email

import (
	"context"
	"strings"
	"time"

	"github.com/monhook/monhook/email/mailbox"
	"github.com/monhook/monhook/marker"
)

// RunMail is a mail in the mailbox about a monhook run: the plugin's mail
// whose subject carries a monhook alarm definition's name.
type RunMail struct {
	UID     uint32
	Subject string
	RunID   string
	Stored  time.Time // the server's INTERNALDATE
}

// RunMailFilter narrows FindRunMail as marker.Filter narrows marker.Find.
// The zero filter keeps every monhook run's mail.
type RunMailFilter struct {
	// RunID keeps only this run's mail.
	RunID string
	// RunIDPrefix keeps only runs whose id starts with it (a serve
	// instance's id prefixes all its run ids).
	RunIDPrefix string
	// OlderThan keeps only mail the server stored at least this long
	// before Now.
	OlderThan time.Duration
	Now       time.Time
}

// FindRunMail lists the mail in mb that names a monhook run (the alarm
// definition's name in the subject, marker.RunIDOf) and passes f, oldest
// first. Mail without the run marker is never listed. `cleanup --imap` and
// serve's sweep find leftover mail with it.
func FindRunMail(ctx context.Context, mb *mailbox.Mailbox, f RunMailFilter) ([]RunMail, error) {
	// The server narrows by subject; the marker decides.
	pattern := strings.TrimSuffix(marker.ResourceName(f.RunIDPrefix, ""), "-") // "monhook-<prefix>"
	if f.RunID != "" {
		pattern = marker.ResourceName(f.RunID, "")
	}
	msgs, err := mb.Matching(ctx, pattern, time.Time{})
	if err != nil {
		return nil, err
	}
	var out []RunMail
	for _, m := range msgs {
		parsed, _ := Parse(m.Raw)
		runID, ok := marker.RunIDOf(parsed.AlarmName)
		switch {
		case !ok, f.RunID != "" && runID != f.RunID, !strings.HasPrefix(runID, f.RunIDPrefix):
			continue // only the plugin's mail about a monhook alarm
		case f.OlderThan > 0 && f.Now.Sub(m.InternalDate) < f.OlderThan:
			continue
		}
		out = append(out, RunMail{UID: m.UID, Subject: parsed.Subject, RunID: runID, Stored: m.InternalDate})
	}
	return out, nil
}
