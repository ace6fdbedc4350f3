package receiver

import (
	"context"
	"errors"
	"fmt"
	"io"
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

	unrouted atomic.Uint64

	mu       sync.Mutex
	routes   map[string]*Receiver
	started  bool
	server   *http.Server
	listener net.Listener
	serveErr chan error
	closed   bool
}

// MuxOptions configure a Mux.
type MuxOptions struct {
	// Listen is the address to bind; "" means ":0".
	Listen string
	// ShutdownTimeout bounds Close's wait for in-flight requests; default 10 s.
	ShutdownTimeout time.Duration
	// ErrorLog receives net/http's own errors; nil discards them.
	ErrorLog *log.Logger
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
	ln, err := net.Listen("tcp", m.opts.Listen)
	if err != nil {
		return fmt.Errorf("receiver: listen: %w", err)
	}
	errLog := m.opts.ErrorLog
	if errLog == nil {
		errLog = log.New(io.Discard, "", 0)
	}
	m.server = &http.Server{
		Handler:           m,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          errLog,
	}
	m.listener, m.started = ln, true
	m.serveErr = make(chan error, 1)
	go func(srv *http.Server) {
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		m.serveErr <- err
	}(m.server)
	return nil
}

// Addr is the bound address; nil before Start.
func (m *Mux) Addr() net.Addr {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.listener == nil {
		return nil
	}
	return m.listener.Addr()
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

func (m *Mux) attach(r *Receiver) (net.Addr, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case !m.started || m.closed:
		return nil, errors.New("receiver: the shared mux is not serving")
	case m.routes[r.path] != nil:
		return nil, errors.New("receiver: this token path is already served by another run")
	}
	m.routes[r.path] = r
	return m.listener.Addr(), nil
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
	srv, errc, already := m.server, m.serveErr, m.closed
	m.closed = true
	m.mu.Unlock()
	if srv == nil || already {
		return nil
	}
	var closeErr error
	if err := srv.Shutdown(ctx); err != nil {
		_ = srv.Close()
		closeErr = fmt.Errorf("receiver: in-flight requests cut off: %w", err)
	}
	if err := <-errc; err != nil && closeErr == nil {
		closeErr = err
	}
	return closeErr
}
