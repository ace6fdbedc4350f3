package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Options tune Dial.
type Options struct {
	// TLSConfig for imaps:// and STARTTLS; nil: the system roots
	// (SSL_CERT_FILE, SSL_CERT_DIR) and the URL's host name.
	TLSConfig *tls.Config
	// DialTimeout bounds the TCP connect; default 10 s.
	DialTimeout time.Duration
}

// AuthError is a refused login: a wrong user or password, or an account
// that may not log in.
type AuthError struct {
	User string
	Err  error
}

func (e *AuthError) Error() string {
	return fmt.Sprintf("IMAP login as %q refused: %v", e.User, e.Err)
}

func (e *AuthError) Unwrap() error { return e.Err }

// UnreachableError is a mailbox server that could not be reached or spoke
// no IMAP (connect refused, timeout, TLS handshake).
type UnreachableError struct {
	Addr string
	Err  error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("IMAP server %s unreachable: %v", e.Addr, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Message is one mail in the mailbox.
type Message struct {
	UID          uint32
	InternalDate time.Time // when the server stored it
	Raw          []byte
}

// Mailbox is a logged-in session with the mailbox selected. Its methods
// are not safe for concurrent use.
type Mailbox struct {
	cfg Config
	c   *imapclient.Client
}

// Dial connects, logs in and selects the mailbox. ctx bounds all of it.
func Dial(ctx context.Context, cfg Config, password string, o Options) (*Mailbox, error) {
	if o.DialTimeout <= 0 {
		o.DialTimeout = 10 * time.Second
	}
	tc := o.TLSConfig
	if tc == nil {
		tc = &tls.Config{}
	}
	tc = tc.Clone()
	if tc.ServerName == "" {
		tc.ServerName, _, _ = net.SplitHostPort(cfg.Addr)
	}
	d := &net.Dialer{Timeout: o.DialTimeout}
	conn, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, &UnreachableError{Addr: cfg.Addr, Err: err}
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	io := &imapclient.Options{TLSConfig: tc}
	var c *imapclient.Client
	switch {
	case cfg.TLS:
		tconn := tls.Client(conn, tc)
		if err := tconn.HandshakeContext(ctx); err != nil {
			_ = conn.Close()
			return nil, &UnreachableError{Addr: cfg.Addr, Err: fmt.Errorf("TLS: %w", err)}
		}
		c = imapclient.New(tconn, io)
	default:
		c = imapclient.New(conn, io)
	}
	if err := c.WaitGreeting(); err != nil {
		_ = c.Close()
		return nil, &UnreachableError{Addr: cfg.Addr, Err: fmt.Errorf("no IMAP greeting: %w", err)}
	}
	if !cfg.TLS {
		if c.Caps().Has(imap.CapStartTLS) {
			_ = c.Close()
			// Reconnect with STARTTLS from the start: the client library
			// upgrades only at connection time.
			c, err = imapclient.DialStartTLS(cfg.Addr, &imapclient.Options{TLSConfig: tc, Dialer: d})
			if err != nil {
				return nil, &UnreachableError{Addr: cfg.Addr, Err: fmt.Errorf("STARTTLS: %w", err)}
			}
			stop2 := context.AfterFunc(ctx, func() { _ = c.Close() })
			defer stop2()
		} else if !cfg.loopback() {
			_ = c.Close()
			return nil, fmt.Errorf("IMAP server %s offers no STARTTLS: use imaps:// (a password is never sent in the clear beyond loopback)", cfg.Addr)
		}
	}
	if err := c.Login(cfg.User, password).Wait(); err != nil {
		_ = c.Close()
		if ctx.Err() != nil {
			return nil, &UnreachableError{Addr: cfg.Addr, Err: ctx.Err()}
		}
		var ie *imap.Error
		if errors.As(err, &ie) {
			return nil, &AuthError{User: cfg.User, Err: err}
		}
		return nil, &UnreachableError{Addr: cfg.Addr, Err: err}
	}
	if _, err := c.Select(cfg.Mailbox, nil).Wait(); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("IMAP mailbox %q: %w", cfg.Mailbox, err)
	}
	return &Mailbox{cfg: cfg, c: c}, nil
}

// Config is where this session reads.
func (m *Mailbox) Config() Config { return m.cfg }

// guard closes the connection when ctx ends, so a blocked command
// returns; the returned func disarms it.
func (m *Mailbox) guard(ctx context.Context) func() bool {
	return context.AfterFunc(ctx, func() { _ = m.c.Close() })
}

// After returns the messages with a UID above uid, oldest first.
func (m *Mailbox) After(ctx context.Context, uid uint32) ([]Message, error) {
	defer m.guard(ctx)()
	// NOOP first: a server reports new mail on the next command.
	if err := m.c.Noop().Wait(); err != nil {
		return nil, m.ctxErr(ctx, err)
	}
	var set imap.UIDSet
	set.AddRange(imap.UID(uid+1), 0) // uid+1:*
	return m.fetch(ctx, set, func(u uint32) bool { return u > uid })
}

// Matching returns the messages whose Subject contains s and, if before
// is set, that the server stored before it.
func (m *Mailbox) Matching(ctx context.Context, s string, before time.Time) ([]Message, error) {
	defer m.guard(ctx)()
	crit := &imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: s}}}
	data, err := m.c.UIDSearch(crit, nil).Wait()
	if err != nil {
		return nil, m.ctxErr(ctx, err)
	}
	uids := data.AllUIDs()
	if len(uids) == 0 {
		return nil, nil
	}
	msgs, err := m.fetch(ctx, imap.UIDSetNum(uids...), func(uint32) bool { return true })
	if err != nil || before.IsZero() {
		return msgs, err
	}
	var out []Message
	for _, msg := range msgs {
		if msg.InternalDate.Before(before) {
			out = append(out, msg)
		}
	}
	return out, nil
}

func (m *Mailbox) fetch(ctx context.Context, set imap.UIDSet, keep func(uint32) bool) ([]Message, error) {
	opts := &imap.FetchOptions{UID: true, InternalDate: true,
		BodySection: []*imap.FetchItemBodySection{{Peek: true}}}
	bufs, err := m.c.Fetch(set, opts).Collect()
	if err != nil {
		return nil, m.ctxErr(ctx, err)
	}
	var out []Message
	for _, b := range bufs {
		if !keep(uint32(b.UID)) {
			continue
		}
		msg := Message{UID: uint32(b.UID), InternalDate: b.InternalDate}
		if len(b.BodySection) > 0 {
			msg.Raw = b.BodySection[0].Bytes
		}
		out = append(out, msg)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UID < out[j].UID })
	return out, nil
}

// Delete removes the messages: \Deleted, then UID EXPUNGE where the server
// has UIDPLUS (only ours go), else EXPUNGE.
func (m *Mailbox) Delete(ctx context.Context, uids []uint32) error {
	if len(uids) == 0 {
		return nil
	}
	defer m.guard(ctx)()
	set := make([]imap.UID, len(uids))
	for i, u := range uids {
		set[i] = imap.UID(u)
	}
	us := imap.UIDSetNum(set...)
	store := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
	if err := m.c.Store(us, store, nil).Close(); err != nil {
		return m.ctxErr(ctx, err)
	}
	var err error
	if m.c.Caps().Has(imap.CapUIDPlus) || m.c.Caps().Has(imap.CapIMAP4rev2) {
		_, err = m.c.UIDExpunge(us).Collect()
	} else {
		_, err = m.c.Expunge().Collect()
	}
	return m.ctxErr(ctx, err)
}

// Close logs out.
func (m *Mailbox) Close() error {
	_ = m.c.Logout().Wait()
	return m.c.Close()
}

func (m *Mailbox) ctxErr(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("IMAP %s: %w", m.cfg.Addr, ctx.Err())
	}
	if err != nil && strings.Contains(err.Error(), "use of closed") {
		return &UnreachableError{Addr: m.cfg.Addr, Err: err}
	}
	return err
}
