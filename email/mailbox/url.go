// Package mailbox reads and deletes the mails of a monhook run in an IMAP
// mailbox (go-imap v2's client): the delivery stage of `check --type email`
// polls it for this run's mail, teardown deletes that mail, and `cleanup`
// finds what older runs left.
package mailbox

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Config is where the mailbox is, from an imap:// or imaps:// URL. It
// never holds the password.
type Config struct {
	TLS     bool   // imaps: TLS from the first byte; imap: STARTTLS, or plain on loopback only
	Addr    string // host:port
	User    string
	Mailbox string // default INBOX
}

// ParseURL reads imaps://USER@HOST[:PORT][/MAILBOX] (imap:// too). USER
// may carry a %40 for an '@'. A password in the URL is refused: it would
// show in process lists and shell history.
func ParseURL(s string) (Config, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Config{}, fmt.Errorf("not a URL: %v", err)
	}
	var c Config
	port := ""
	switch u.Scheme {
	case "imaps":
		c.TLS, port = true, "993"
	case "imap":
		port = "143"
	default:
		return Config{}, fmt.Errorf("scheme %q: want imaps://USER@HOST/MAILBOX (or imap://)", u.Scheme)
	}
	if u.User == nil || u.User.Username() == "" {
		return Config{}, fmt.Errorf("no user: want imaps://USER@HOST/MAILBOX, an '@' in USER written %%40")
	}
	if _, set := u.User.Password(); set {
		return Config{}, fmt.Errorf("the URL carries a password: set MONHOOK_IMAP_PASSWORD instead (or answer the prompt)")
	}
	if u.Hostname() == "" {
		return Config{}, fmt.Errorf("no host")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return Config{}, fmt.Errorf("unexpected query or fragment")
	}
	c.User = u.User.Username()
	if u.Port() != "" {
		port = u.Port()
	}
	c.Addr = net.JoinHostPort(u.Hostname(), port)
	c.Mailbox = strings.TrimPrefix(u.Path, "/")
	if c.Mailbox == "" {
		c.Mailbox = "INBOX"
	}
	return c, nil
}

// String is the URL again, without secrets.
func (c Config) String() string {
	scheme := "imap"
	if c.TLS {
		scheme = "imaps"
	}
	u := url.URL{Scheme: scheme, User: url.User(c.User), Host: c.Addr, Path: "/" + c.Mailbox}
	return u.String()
}

// loopback reports whether the host is a loopback address or localhost,
// where a plain imap:// login cannot be overheard.
func (c Config) loopback() bool {
	host, _, _ := net.SplitHostPort(c.Addr)
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
