package check

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/email"
	"github.com/monhook/monhook/email/mailbox"
	"github.com/monhook/monhook/marker"
	monitoring "github.com/monhook/monhook/openstack/monitoring/v2"
	"github.com/monhook/monhook/receiver"
	"github.com/monhook/monhook/scenarios"
)

// MethodType values.
const (
	TypeWebhook = "WEBHOOK"
	TypeEmail   = "EMAIL"
)

// EmailOptions switch a run to the EMAIL path: the notification method
// mails To, and the delivery stage reads the mailbox over IMAP instead of
// running the webhook receiver. Stages, verdict rules and teardown are the
// webhook's.
type EmailOptions struct {
	To        string         // the EMAIL method's address
	Mailbox   mailbox.Config // where To's mail is read
	Password  string         // the IMAP password; never reported
	TLSConfig *tls.Config    // nil: system roots (SSL_CERT_FILE)
	// From pins the sender: this run's mail from another address is a
	// finding. "": any sender, recorded in the report.
	From string
	// Poll is the longest wait between mailbox reads; default 1 s.
	Poll time.Duration
}

// deliverySource is where the delivery stage reads deliveries: the
// webhook receiver, or the mailbox (mailSource). Both hand over
// receiver.Delivery values, so one set of verdict rules judges both.
type deliverySource interface {
	Await(ctx context.Context, match func(receiver.Delivery) bool) (receiver.Delivery, error)
	Deliveries() []receiver.Delivery
	Strays() []receiver.Stray
	TLSErrors() []receiver.TLSError
	Close() error
}

// source is the run's delivery source, nil before the receiver stage.
func (x *run) source() deliverySource {
	if x.mail != nil {
		return x.mail
	}
	if x.recv != nil {
		return x.recv
	}
	return nil
}

// methodType is the notification method type this run creates.
func (x *run) methodType() string {
	if x.Email != nil {
		return TypeEmail
	}
	return TypeWebhook
}

// openMailbox is the receiver stage of the EMAIL path: log in and select
// the mailbox before anything is created, so a wrong password or an
// unreachable server stops the run with nothing to tear down.
func (x *run) openMailbox(ctx context.Context) (string, error) {
	o := x.Email
	mb, err := mailbox.Dial(ctx, o.Mailbox, o.Password, mailbox.Options{TLSConfig: o.TLSConfig})
	if err != nil {
		return "", mailboxError(err, o.Mailbox)
	}
	existing, err := mb.After(ctx, 0)
	if err != nil {
		_ = mb.Close()
		return "", mailboxError(err, o.Mailbox)
	}
	s := &mailSource{x: x, mb: mb, poll: o.Poll, info: map[int]*report.Mail{}}
	if s.poll <= 0 {
		s.poll = time.Second
	}
	// Mail already there is older than this run and never counted, but a
	// mail that names this run's marker cannot exist yet: only later UIDs
	// are read.
	if n := len(existing); n > 0 {
		s.lastUID = existing[n-1].UID
	}
	x.mail = s
	x.rep.CallbackURL = o.Mailbox.String()
	detail := fmt.Sprintf("reading %s; Monasca will mail %s", o.Mailbox, o.To)
	if n := len(existing); n > 0 {
		detail += fmt.Sprintf("; %d older mail(s) in the mailbox are ignored (it should receive nothing but monhook's mail)", n)
	}
	return detail, nil
}

// mailboxError classes a mailbox failure: could not run (exit 3), with
// the hint for its cause.
func mailboxError(err error, c mailbox.Config) error {
	var ae *mailbox.AuthError
	var ue *mailbox.UnreachableError
	switch {
	case errors.As(err, &ae):
		return cannotRun(nil, ae.Error(), fmt.Sprintf("check the IMAP password (MONHOOK_IMAP_PASSWORD) and the user in %s; "+
			"an app password may be needed where the account has 2FA", c))
	case errors.As(err, &ue) && strings.Contains(ue.Error(), "x509"):
		return cannotRun(nil, ue.Error(), fmt.Sprintf("the IMAP server's certificate is not trusted here: "+
			"point SSL_CERT_FILE at its CA (or its self-signed certificate); the name in %s must be in the certificate", c))
	case errors.As(err, &ue):
		return cannotRun(nil, ue.Error(), fmt.Sprintf("is %s the IMAP server (imaps: port 993, imap: 143) and reachable from here? "+
			"A self-signed certificate needs SSL_CERT_FILE", c.Addr))
	}
	return cannotRun(err, "reading the mailbox")
}

// mailSource turns the mailbox's new mail into deliveries. Only mail that
// names this run's alarm definition (monhook-<runid>-alarm) counts as the
// run's; other mail is a stray.
type mailSource struct {
	x       *run
	mb      *mailbox.Mailbox
	poll    time.Duration
	lastUID uint32
	lastErr error // the last failed read, for the hints

	seq        int
	deliveries []receiver.Delivery
	info       map[int]*report.Mail
	strays     []receiver.Stray
}

// Await returns the first delivery, already read or read from now on,
// that match accepts; mailbox errors are retried until ctx ends. Polls
// come at most every Poll, more often as the deadline nears; at the
// deadline one last read counts what the server had stored by then (its
// INTERNALDATE, whole seconds), so a mail in time is not missed for want
// of a poll.
func (s *mailSource) Await(ctx context.Context, match func(receiver.Delivery) bool) (receiver.Delivery, error) {
	for {
		if ctx.Err() != nil {
			return s.afterDeadline(ctx, match)
		}
		if d, ok := s.find(match); ok {
			return d, nil
		}
		if err := s.read(ctx); err != nil && ctx.Err() == nil {
			s.lastErr = err
		}
		if d, ok := s.find(match); ok {
			return d, nil
		}
		wait := s.poll
		if dl, ok := ctx.Deadline(); ok {
			wait = min(wait, max(time.Until(dl)/4, minMailPoll))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
	}
}

// afterDeadline is Await once ctx ended: at a deadline, one last read, and
// only mail the server had stored by then counts.
func (s *mailSource) afterDeadline(ctx context.Context, match func(receiver.Delivery) bool) (receiver.Delivery, error) {
	dl, ok := ctx.Deadline()
	if !ok || !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return receiver.Delivery{}, ctx.Err()
	}
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lastReadTimeout)
	if err := s.read(lctx); err != nil {
		s.lastErr = err
	}
	cancel()
	if d, ok := s.find(func(d receiver.Delivery) bool {
		return match(d) && !s.info[d.Seq].InMailboxAt.After(dl)
	}); ok {
		return d, nil
	}
	return receiver.Delivery{}, ctx.Err()
}

// find is the first delivery read so far that ok accepts.
func (s *mailSource) find(ok func(receiver.Delivery) bool) (receiver.Delivery, bool) {
	for _, d := range s.deliveries {
		if ok(d) {
			return d, true
		}
	}
	return receiver.Delivery{}, false
}

const (
	minMailPoll     = 20 * time.Millisecond
	lastReadTimeout = 5 * time.Second
)

// read fetches the mail that arrived since the last read, reconnecting
// first if the last read broke the session.
func (s *mailSource) read(ctx context.Context) error {
	if s.mb == nil {
		mb, err := mailbox.Dial(ctx, s.x.Email.Mailbox, s.x.Email.Password, mailbox.Options{TLSConfig: s.x.Email.TLSConfig})
		if err != nil {
			return err
		}
		s.mb = mb
	}
	msgs, err := s.mb.After(ctx, s.lastUID)
	if err != nil {
		_ = s.mb.Close()
		s.mb = nil
		return err
	}
	for _, m := range msgs {
		s.lastUID = m.UID
		s.add(m)
	}
	return nil
}

// add judges one mail: this run's (a delivery, perhaps with findings) or
// a stray (another run's, or not monhook's at all).
func (s *mailSource) add(msg mailbox.Message) {
	x := s.x
	m, findings := email.Parse(msg.Raw)
	now := time.Now()
	runTag := marker.ResourceName(x.RunID, "")
	ours := m.AlarmName == x.definitionName || (m.AlarmName == "" && strings.Contains(string(msg.Raw), runTag))
	if !ours {
		reason, detail := "not-monhook", fmt.Sprintf("mail %q from %s", m.Subject, m.From)
		if len(findings) > 0 {
			reason, detail = "not-monasca", detail+": "+findings[0].Detail
		} else if id, ok := marker.RunIDOf(m.AlarmName); ok && id != x.RunID {
			reason, detail = "other-run", fmt.Sprintf("mail for run %s (alarm %q), not this run's", id, m.AlarmName)
		}
		s.strays = append(s.strays, receiver.Stray{ReceivedAt: msg.InternalDate, Remote: x.Email.Mailbox.Addr,
			Method: "IMAP", Path: fmt.Sprintf("/%s;UID=%d", x.Email.Mailbox.Mailbox, msg.UID), Reason: reason, Detail: detail})
		return
	}
	s.seq++
	// ReceivedAt is when monhook read it: INTERNALDATE has whole seconds.
	d := receiver.Delivery{Seq: s.seq, ReceivedAt: now, Remote: x.Email.Mailbox.Addr, Method: "IMAP",
		Path: fmt.Sprintf("/%s;UID=%d", x.Email.Mailbox.Mailbox, msg.UID), Body: msg.Raw,
		Notification: &receiver.Notification{
			// A mail carries no definition id: the alarm name, unique to
			// this run, identifies the definition.
			AlarmDefinitionID: x.definitionID,
			AlarmID:           m.AlarmID, AlarmName: m.AlarmName, State: m.State,
			Message: mailMessage(m.Body), AlarmTimestamp: m.Transitioned.Unix(),
		}}
	for _, f := range findings {
		d.Findings = append(d.Findings, receiver.Finding{Code: f.Code, Detail: f.Detail})
	}
	if m.To != "" && !strings.EqualFold(m.To, x.Email.To) {
		d.Findings = append(d.Findings, receiver.Finding{Code: email.FindingRecipient, Key: "To",
			Detail: fmt.Sprintf("To %s is not the method's address %s", m.To, x.Email.To)})
	}
	if want := x.Email.From; want != "" && !strings.EqualFold(m.From, want) && !hasFinding(findings, email.FindingSender) {
		d.Findings = append(d.Findings, receiver.Finding{Code: email.FindingSender, Key: "From",
			Detail: fmt.Sprintf("From %s is not the expected sender %s", m.From, want)})
	}
	info := &report.Mail{UID: msg.UID, Subject: m.Subject, From: m.From, To: m.To, Format: m.Format,
		InMailboxAt: msg.InternalDate, ReadAt: now}
	if !m.Transitioned.IsZero() {
		info.StateChangedAt = m.Transitioned
		info.LatencyMS = report.Millis(msg.InternalDate.Sub(m.Transitioned))
	}
	s.info[d.Seq] = info
	s.deliveries = append(s.deliveries, d)
}

// mailMessage is the state change reason as the body's first line
// carries it (lower-cased by the plugin, after "On host … " or "On
// multiple hosts ").
func mailMessage(body string) string {
	line, _, _ := strings.Cut(body, "\n")
	switch {
	case strings.HasPrefix(line, "On multiple hosts "):
		return strings.TrimPrefix(line, "On multiple hosts ")
	case strings.HasPrefix(line, `On host "`):
		rest := strings.TrimPrefix(line, `On host "`)
		if _, after, ok := strings.Cut(rest, `" for target "`); ok {
			rest = after
		}
		if _, after, ok := strings.Cut(rest, `" `); ok {
			return after
		}
	}
	return line
}

func (s *mailSource) Deliveries() []receiver.Delivery { return s.deliveries }
func (s *mailSource) Strays() []receiver.Stray        { return s.strays }
func (s *mailSource) TLSErrors() []receiver.TLSError  { return nil }

func (s *mailSource) Close() error {
	if s.mb == nil {
		return nil
	}
	err := s.mb.Close()
	s.mb = nil
	return err
}

// deleteMails removes every mail in the mailbox that names this run, also
// those that arrived after the delivery stage: the run marker is in the
// subject (the alarm name).
func (x *run) deleteMails(ctx context.Context) (int, error) {
	s := x.mail
	if err := s.read(ctx); err != nil {
		return 0, err
	}
	msgs, err := s.mb.Matching(ctx, marker.ResourceName(x.RunID, ""), time.Time{})
	if err != nil {
		return 0, err
	}
	uids := make([]uint32, len(msgs))
	for i, m := range msgs {
		uids[i] = m.UID
	}
	return len(uids), s.mb.Delete(ctx, uids)
}

// comparable is e as a mail can be compared with it: a mail names no old
// state, so that part of a transition cannot be checked by email.
func (x *run) comparable(e scenarios.Expectation) scenarios.Expectation {
	if x.Email != nil {
		e.OldState = ""
		// The plugin writes the reason lower-cased.
		e.MessageContains = strings.ToLower(e.MessageContains)
	}
	return e
}

// periodRefused explains an API that will not put a period on an EMAIL
// method (Python before Ussuri: 400 "Period can only be set with
// webhooks"; Java: 422 "Period can not be non zero for EMAIL"); nil for
// any other error. Like every refusal it exits 2, and nothing was created:
// the method is the run's first resource.
func (x *run) periodRefused(err error) error {
	if x.Email == nil || x.sc.Period == 0 {
		return nil
	}
	code := monitoring.StatusCode(err)
	_, desc, _ := monitoring.ErrorBody(err)
	if (code != 400 && code != 422) || !strings.Contains(strings.ToLower(desc), "period") {
		return nil
	}
	return refused(fmt.Errorf("this Monasca refuses a period on EMAIL methods (%d: %s): scenario %s cannot be checked by email here",
		code, desc, x.sc.Name),
		"monasca-api and monasca-notification allow periodic notifications for every type only from Ussuri on (the Java API never); "+
			"before, only WEBHOOK methods may carry a period; check it with --type webhook")
}

// mailHints explain a missing mail.
func (x *run) mailHints(state string, e scenarios.Expectation, exp *report.Expectation) []string {
	if x.mail == nil {
		return nil
	}
	var hints []string
	if err := x.mail.lastErr; err != nil {
		hints = append(hints, "the mailbox could not be read: "+err.Error())
	}
	if state == e.State && exp.Got == 0 {
		hints = append(hints, fmt.Sprintf("the API reports the alarm in %s, yet no mail for it reached %s: monasca-notification's "+
			"SMTP server ([email_notifier] server) refused or could not relay it (its log says \"Error sending Email Notification\"), "+
			"a spam filter held it, or %s is not delivered to this mailbox", state, x.Email.Mailbox, x.Email.To))
	}
	var other int
	for _, s := range x.mail.strays {
		if s.Reason == "other-run" {
			other++
		}
	}
	if other > 0 {
		hints = append(hints, fmt.Sprintf("%d mail(s) of other monhook runs arrived (not counted): runs share the mailbox, or an older run left mail", other))
	}
	return hints
}

// hasFinding reports whether the parser already found code (a From that
// is no address is not also a wrong sender).
func hasFinding(fs []email.Finding, code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}
