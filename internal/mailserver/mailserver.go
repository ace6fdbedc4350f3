// Package mailserver is the mail side of `check --lab --type email` and
// `serve --lab`: an SMTP server (go-smtp) that the lab's notifier sends to,
// delivering into one in-memory mailbox that an IMAP server (go-imap v2's
// imapserver with its imapmemserver backend) serves, so the check reads
// the mail back through the same IMAP client it uses against a real
// mailbox. Loopback only; IMAP without TLS, which the client allows on
// loopback alone.
package mailserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-smtp"
)

// Options configure a Server.
type Options struct {
	// Address is the one mailbox that accepts mail (RCPT TO); other
	// recipients get 550, as from a real server. It is also the IMAP user.
	Address string
	// Password for the IMAP login.
	Password string
}

// Server is a running SMTP + IMAP pair on loopback.
type Server struct {
	opts     Options
	smtp     *smtp.Server
	imap     *imapserver.Server
	user     *imapmemserver.User
	smtpLn   net.Listener
	imapLn   net.Listener
	wg       sync.WaitGroup
	accepted atomic.Int64
}

// Start listens on two ephemeral loopback ports and serves.
func Start(o Options) (*Server, error) {
	if !strings.Contains(o.Address, "@") {
		return nil, fmt.Errorf("mailserver: address %q has no @", o.Address)
	}
	s := &Server{opts: o, user: imapmemserver.NewUser(o.Address, o.Password)}
	if err := s.user.Create("INBOX", nil); err != nil {
		return nil, err
	}
	mem := imapmemserver.New()
	mem.AddUser(s.user)
	s.imap = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true, // loopback only
		Logger:       log.New(io.Discard, "", 0),
	})
	s.smtp = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{s: s}, nil
	}))
	s.smtp.Domain = "monhook-lab.invalid"
	s.smtp.MaxMessageBytes = 1 << 20
	s.smtp.ErrorLog = log.New(io.Discard, "", 0)
	var err error
	if s.smtpLn, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		return nil, err
	}
	if s.imapLn, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		_ = s.smtpLn.Close()
		return nil, err
	}
	s.wg.Add(2)
	go func() { defer s.wg.Done(); _ = s.smtp.Serve(s.smtpLn) }()
	go func() { defer s.wg.Done(); _ = s.imap.Serve(s.imapLn) }()
	return s, nil
}

// SMTPAddr is host:port of the SMTP server (the lab's smarthost).
func (s *Server) SMTPAddr() string { return s.smtpLn.Addr().String() }

// IMAPURL is the mailbox's imap:// URL, without the password.
func (s *Server) IMAPURL() string {
	u := url.URL{Scheme: "imap", User: url.User(s.opts.Address), Host: s.imapLn.Addr().String(), Path: "/INBOX"}
	return u.String()
}

// Accepted counts the mails delivered into the mailbox.
func (s *Server) Accepted() int64 { return s.accepted.Load() }

// Close stops both servers.
func (s *Server) Close() error {
	err := errors.Join(s.smtp.Close(), s.imap.Close())
	s.wg.Wait()
	return err
}

// session is one SMTP transaction.
type session struct {
	s    *Server
	rcpt bool
}

func (x *session) Reset()        { x.rcpt = false }
func (x *session) Logout() error { return nil }

func (x *session) Mail(string, *smtp.MailOptions) error { return nil }

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !strings.EqualFold(to, x.s.opts.Address) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user here"}
	}
	x.rcpt = true
	return nil
}

func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if !x.rcpt {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 5, 1}, Message: "no valid recipients"}
	}
	if _, err := x.s.user.Append("INBOX", bytes.NewReader(b), &imap.AppendOptions{Time: time.Now()}); err != nil {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "mailbox unavailable"}
	}
	x.s.accepted.Add(1)
	return nil
}
