package serve

import (
	"context"
	"time"

	"github.com/monhook/monhook/email"
	"github.com/monhook/monhook/email/mailbox"
)

// sweepMail is the sweep of the mailbox type=email probes read (serve's
// --email-to and --imap): a run killed before its teardown, or mail that
// arrived after it, leaves this instance's run mail there. It deletes the
// mail whose subject names a run of this instance (email.FindRunMail, as
// `cleanup --imap` finds it) stored at least olderThan ago, never a run's
// in flight. It is counted like a cloud's resources, with the mailbox's
// URL (no password) as the cloud label: one mailbox serves every cloud.
// It looks only where email probes run: with a type email target, or once
// a /probe?type=email ran in this process.
func (s *Server) sweepMail(olderThan time.Duration) {
	o := s.Config().Email
	if o == nil || !s.probesMail() {
		return
	}
	label := o.Mailbox.String()
	ctx, cancel := context.WithTimeout(s.probeCtx, sweepTimeout)
	defer cancel()
	mb, err := mailbox.Dial(ctx, o.Mailbox, o.Password, mailbox.Options{TLSConfig: o.TLSConfig})
	if err != nil {
		s.sweepFailed(label, "sweep: cannot open the mailbox", err)
		return
	}
	defer func() { _ = mb.Close() }()
	found, err := email.FindRunMail(ctx, mb, email.RunMailFilter{RunIDPrefix: s.ids.instance, OlderThan: olderThan, Now: s.clk.Now()})
	if err != nil {
		s.sweepFailed(label, "sweep: cannot search the mailbox", err)
		return
	}
	remaining, deleted := 0, 0
	for _, m := range found {
		if s.ids.inFlight(m.RunID) {
			continue
		}
		s.metrics.swept.WithLabelValues(label, "found").Inc()
		if err := mb.Delete(ctx, []uint32{m.UID}); err != nil {
			remaining++
			s.metrics.swept.WithLabelValues(label, "failed").Inc()
			s.log.Warn("sweep: could not delete a leftover mail", "mailbox", label, "uid", m.UID, "subject", m.Subject, "run_id", m.RunID, "error", err)
			continue
		}
		deleted++
		s.metrics.swept.WithLabelValues(label, "deleted").Inc()
		s.log.Info("sweep: deleted a leftover mail of this instance", "mailbox", label, "uid", m.UID, "subject", m.Subject, "run_id", m.RunID)
	}
	s.metrics.sweeps.WithLabelValues(label, "ok").Inc()
	s.metrics.leftovers.WithLabelValues(label).Set(float64(remaining))
	if deleted+remaining > 0 {
		s.log.Info("sweep", "mailbox", label, "found", deleted+remaining, "deleted", deleted, "remaining", remaining)
	}
}

// probesMail reports whether email probes run here: a type email target,
// or a /probe?type=email this process answered.
func (s *Server) probesMail() bool {
	if s.mailProbed.Load() {
		return true
	}
	for _, t := range s.currentTargets() {
		if t.Type == TypeEmail {
			return true
		}
	}
	return false
}
