package receiver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Mux is one long-lived listener shared by many receivers, for a process
// that runs check after check (monhook serve): the operator opens one
// firewall port once, and each run still gets its own unguessable token
// path. A Receiver created with Options.Mux attaches its path on Start and
// detaches on Close; requests for any other path are answered 404 and
// counted. Shaped like httptest.Server: NewMux, Start, Addr, Close.
type Mux struct {
	opts MuxOptions

	unrouted  atomic.Uint64
	tlsErrors atomic.Uint64

	mu       sync.Mutex
	routes   map[string]*Receiver
	started  bool
	server   *httpServer
	listener net.Listener
	addr     net.Addr
	closed   bool
	tls      *muxTLS // nil: plain HTTP
}

// muxTLS is what the receivers on a TLS mux need for their callback URL
// (https) and their warnings.
type muxTLS struct {
	cfg      *tls.Config
	leaf     *x509.Certificate
	warnings []string
}

// MuxOptions configure a Mux.
type MuxOptions struct {
	// Listen is the address to bind; "" means ":0".
	Listen string
	// ShutdownTimeout bounds Close's wait for in-flight requests; default 10 s.
	ShutdownTimeout time.Duration
	// ErrorLog receives net/http's own errors; nil discards them.
	ErrorLog *log.Logger
	// TLSCert and TLSKey are PEM files; both set means HTTPS for every
	// receiver on the mux (Monasca verifies the certificate: see
	// Receiver.Warnings).
	TLSCert, TLSKey string
}

// NewMux prepares a mux; nothing listens until Start.
func NewMux(opts MuxOptions) *Mux {
	if opts.Listen == "" {
		opts.Listen = ":0"
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = DefaultShutdownTimeout
	}
	return &Mux{opts: opts, routes: map[string]*Receiver{}}
}

// Start binds the listener and serves in the background.
func (m *Mux) Start() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.started {
		return errors.New("receiver: mux already started")
	}
	var mt *muxTLS
	if m.opts.TLSCert != "" || m.opts.TLSKey != "" {
		cfg, leaf, warnings, err := loadTLS(m.opts.TLSCert, m.opts.TLSKey)
		if err != nil {
			return err
		}
		mt = &muxTLS{cfg: cfg, leaf: leaf, warnings: warnings}
	}
	ln, err := net.Listen("tcp", m.opts.Listen)
	if err != nil {
		return fmt.Errorf("receiver: listen: %w", err)
	}
	addr := ln.Addr()
	if mt != nil {
		// A failed handshake has no path yet, so no run: it is counted on
		// the mux and told to every run waiting now, whose report can then
		// say why its delivery never came.
		ln = &tlsListener{Listener: ln, cfg: mt.cfg, record: m.recordTLSError}
	}
	m.listener, m.addr, m.tls, m.started = ln, addr, mt, true
	m.server = serveHTTP(m, ln, m.opts.ErrorLog)
	return nil
}

// Addr is the bound address; nil before Start.
func (m *Mux) Addr() net.Addr {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.addr
}

// ServeHTTP hands a request to the receiver whose token path it names.
func (m *Mux) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	m.mu.Lock()
	r := m.routes[req.URL.Path]
	m.mu.Unlock()
	if r == nil {
		// No run is waiting on this path: a finished run's late re-send,
		// a scanner, or a wrong URL. Nothing to record it against.
		m.unrouted.Add(1)
		http.Error(w, http.StatusText(http.StatusNotFound), http.StatusNotFound)
		return
	}
	r.ServeHTTP(w, req)
}

// Routes is the number of attached receivers (runs in flight).
func (m *Mux) Routes() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.routes)
}

// Unrouted counts requests for a path no attached receiver serves.
func (m *Mux) Unrouted() uint64 { return m.unrouted.Load() }

func (m *Mux) recordTLSError(remote string, err error) {
	m.tlsErrors.Add(1)
	m.mu.Lock()
	waiting := make([]*Receiver, 0, len(m.routes))
	for _, r := range m.routes {
		waiting = append(waiting, r)
	}
	m.mu.Unlock()
	for _, r := range waiting {
		r.recordTLSError(remote, err)
	}
}

// TLSErrors counts failed TLS handshakes (a sender that does not trust the
// certificate, plain HTTP to the HTTPS port).
func (m *Mux) TLSErrors() uint64 { return m.tlsErrors.Load() }

func (m *Mux) attach(r *Receiver) (net.Addr, *muxTLS, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case !m.started || m.closed:
		return nil, nil, errors.New("receiver: the shared mux is not serving")
	case m.routes[r.path] != nil:
		return nil, nil, errors.New("receiver: this token path is already served by another run")
	}
	m.routes[r.path] = r
	return m.addr, m.tls, nil
}

func (m *Mux) detach(r *Receiver) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.routes[r.path] == r {
		delete(m.routes, r.path)
	}
}

// Close stops accepting, waits up to ShutdownTimeout for in-flight
// requests, then drops what is left.
func (m *Mux) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), m.opts.ShutdownTimeout)
	defer cancel()
	m.mu.Lock()
	srv, already := m.server, m.closed
	m.closed = true
	m.mu.Unlock()
	if srv == nil || already {
		return nil
	}
	return srv.shutdown(ctx)
}
