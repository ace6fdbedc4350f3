package receiver

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
)

// loadTLS reads the key pair and returns the server config plus warnings an
// operator must see: Monasca's webhook sender verifies certificates against
// its host's CA store and has no option to skip that (monasca-api.md §7).
func loadTLS(certFile, keyFile string) (*tls.Config, *x509.Certificate, []string, error) {
	if (certFile == "") != (keyFile == "") {
		return nil, nil, nil, errors.New("receiver: TLS needs both a certificate and a key")
	}
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("receiver: TLS key pair: %w", err)
	}
	leaf := pair.Leaf
	if leaf == nil {
		if leaf, err = x509.ParseCertificate(pair.Certificate[0]); err != nil {
			return nil, nil, nil, fmt.Errorf("receiver: TLS certificate: %w", err)
		}
	}
	var warnings []string
	if isSelfSigned(leaf) {
		warnings = append(warnings, "the TLS certificate is self-signed: Monasca's webhook sender verifies certificates against its host's CA store and cannot skip verification, so it will reject this receiver unless that CA store trusts the certificate")
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{pair},
		MinVersion:   tls.VersionTLS12,
		// HTTP/1.1 only: the handshake runs in our connection wrapper (see
		// tlsListener), so net/http never negotiates h2 — and Monasca's
		// python-requests sender speaks HTTP/1.1 anyway.
		NextProtos: []string{"http/1.1"},
	}
	return cfg, leaf, warnings, nil
}

func isSelfSigned(c *x509.Certificate) bool {
	return c.CheckSignatureFrom(c) == nil && string(c.RawIssuer) == string(c.RawSubject)
}

// hostWarning says when the callback host is not covered by the certificate.
func hostWarning(leaf *x509.Certificate, host string) string {
	if leaf == nil || host == "" {
		return ""
	}
	if err := leaf.VerifyHostname(host); err != nil {
		return fmt.Sprintf("the TLS certificate does not cover the callback host %s: %v", host, err)
	}
	return ""
}

// tlsListener hands out connections whose TLS handshake runs on first use,
// on the connection's own goroutine, so a failed handshake can be recorded
// with the peer's address and the TLS error instead of vanishing into
// net/http's error log.
type tlsListener struct {
	net.Listener
	cfg    *tls.Config
	record func(remote string, err error)
}

func (l *tlsListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &tlsConn{Conn: tls.Server(c, l.cfg), record: l.record}, nil
}

type tlsConn struct {
	*tls.Conn
	record func(remote string, err error)
	once   sync.Once
	err    error
}

func (c *tlsConn) handshake() error {
	c.once.Do(func() {
		c.err = c.Conn.Handshake()
		if c.err != nil && !isQuietClose(c.err) {
			c.record(c.Conn.RemoteAddr().String(), c.err)
		}
	})
	return c.err
}

func (c *tlsConn) Read(p []byte) (int, error) {
	if err := c.handshake(); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *tlsConn) Write(p []byte) (int, error) {
	if err := c.handshake(); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// isQuietClose is a peer that connected and left without a word (a port
// probe, a load balancer health check): not a TLS failure worth reporting.
func isQuietClose(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed)
}

// tlsHint turns a handshake error into the sentence an operator needs.
func tlsHint(err error) string {
	msg := err.Error()
	var rec tls.RecordHeaderError
	switch {
	case errors.As(err, &rec):
		return "the peer did not speak TLS (plain HTTP to an HTTPS receiver?)"
	case strings.Contains(msg, "bad certificate"), strings.Contains(msg, "unknown certificate authority"),
		strings.Contains(msg, "certificate unknown"), strings.Contains(msg, "certificate expired"),
		strings.Contains(msg, "unsupported certificate"), strings.Contains(msg, "certificate required"):
		return "the sender rejected our certificate: Monasca verifies it against its host's CA store and cannot skip verification"
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "the peer opened a connection but never completed the handshake"
	}
	return ""
}
