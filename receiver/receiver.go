package receiver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// ErrClosed is returned by Await once the receiver is closed.
var ErrClosed = errors.New("receiver: closed")

// Receiver is a webhook receiver. Create it with New, then Start it; it is
// also an http.Handler for in-process use (the callback path is fixed in New).
type Receiver struct {
	opts     Options
	token    string
	path     string   // the one path we answer on: prefix + suffix
	suffix   string   // "/" + token, or Options.FixedPath
	base     *url.URL // explicit callback base, or nil
	tlsCfg   *tls.Config
	tlsCert  []string // warnings about the certificate
	leafHost func(string) string
	forward  *forwarder

	attempts atomic.Int64           // deliveries seen, for FailFirst
	probes   atomic.Int64           // callback self-test probes answered
	probe    atomic.Pointer[string] // the callback self-test's current nonce
	seq      atomic.Int64
	stats    struct{ deliveries, strays, malformed, oversized, tlsErrors atomic.Uint64 }

	mu         sync.Mutex // guards everything below
	deliveries *ring[Delivery]
	strays     *ring[Stray]
	tlsErrors  *ring[TLSError]
	waiters    map[*waiter]struct{}
	started    bool
	server     *httpServer
	listener   net.Listener
	callback   string
	warnings   []string
	closed     chan struct{}
	stopping   chan struct{} // closed when shutdown starts: held answers go out now
	closeOnce  sync.Once
	closeErr   error
}

// New validates opts and prepares a receiver; nothing listens until Start.
func New(opts Options) (*Receiver, error) {
	if opts.Mux != nil && (opts.Listen != "" || opts.TLSCert != "" || opts.TLSKey != "") {
		return nil, errors.New("receiver: a receiver on a shared mux has no listen address or TLS of its own")
	}
	opts.setDefaults()
	r := &Receiver{
		opts:       opts,
		token:      opts.Token,
		deliveries: newRing[Delivery](opts.History),
		strays:     newRing[Stray](opts.History),
		tlsErrors:  newRing[TLSError](opts.History),
		waiters:    map[*waiter]struct{}{},
		closed:     make(chan struct{}),
		stopping:   make(chan struct{}),
	}
	switch {
	case opts.FixedPath != "":
		if opts.Token != "" {
			return nil, fmt.Errorf("receiver: a fixed path and a token exclude each other")
		}
		fixed, err := checkFixedPath(opts.FixedPath)
		if err != nil {
			return nil, err
		}
		r.suffix = fixed
	case r.token == "":
		r.token = newToken()
	default:
		if err := checkToken(r.token); err != nil {
			return nil, err
		}
	}
	if r.suffix == "" {
		r.suffix = "/" + r.token
	}
	prefix := opts.Path
	if opts.CallbackURL != "" {
		base, err := parseCallbackBase(opts.CallbackURL)
		if err != nil {
			return nil, err
		}
		r.base = base
		if prefix == "" {
			prefix = base.Path
		}
	}
	r.path = servePath(prefix, r.suffix)
	if r.path == HealthPath {
		return nil, fmt.Errorf("receiver: %s is the health route; choose another path", HealthPath)
	}
	if opts.RespondStatus < 100 || opts.RespondStatus > 999 || opts.FailStatus < 100 || opts.FailStatus > 999 {
		return nil, fmt.Errorf("receiver: response status must be a 3-digit HTTP status")
	}
	if opts.FailFirst < 0 || opts.Delay < 0 {
		return nil, fmt.Errorf("receiver: FailFirst and Delay must not be negative")
	}
	if opts.TLSCert != "" || opts.TLSKey != "" {
		cfg, leaf, warnings, err := loadTLS(opts.TLSCert, opts.TLSKey)
		if err != nil {
			return nil, err
		}
		r.tlsCfg, r.tlsCert = cfg, warnings
		r.leafHost = func(host string) string { return hostWarning(leaf, host) }
		if r.base != nil && r.base.Scheme != "https" {
			return nil, fmt.Errorf("receiver: callback URL %s is http but the receiver serves TLS", opts.CallbackURL)
		}
	}
	if opts.ForwardTo != "" {
		fw, err := newForwarder(opts.ForwardTo, opts.ForwardTimeout, opts.ForwardClient)
		if err != nil {
			return nil, err
		}
		r.forward = fw
	}
	return r, nil
}

// Start binds the listener and serves in the background.
func (r *Receiver) Start() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		return errors.New("receiver: already started")
	}
	if r.opts.Mux != nil {
		return r.startOnMux()
	}
	ln, err := net.Listen("tcp", r.opts.Listen)
	if err != nil {
		return fmt.Errorf("receiver: listen: %w", err)
	}
	callback, warnings, err := r.callbackURL(ln.Addr().(*net.TCPAddr))
	if err != nil {
		ln.Close()
		return err
	}
	r.listener = ln
	if r.tlsCfg != nil {
		r.listener = &tlsListener{Listener: ln, cfg: r.tlsCfg, record: r.recordTLSError}
	}
	r.callback, r.warnings, r.started = callback, warnings, true
	r.server = serveHTTP(r, r.listener, r.opts.ErrorLog)
	return nil
}

// startOnMux attaches the token path to the shared listener; called with
// r.mu held.
func (r *Receiver) startOnMux() error {
	addr, mt, err := r.opts.Mux.attach(r)
	if err != nil {
		return err
	}
	if mt != nil {
		r.tlsCfg, r.tlsCert = mt.cfg, mt.warnings
		r.leafHost = func(host string) string { return hostWarning(mt.leaf, host) }
		if r.base != nil && r.base.Scheme != "https" {
			r.opts.Mux.detach(r)
			return fmt.Errorf("receiver: callback URL %s is http but the shared receiver serves TLS", r.opts.CallbackURL)
		}
	}
	callback, warnings, err := r.callbackURL(addr.(*net.TCPAddr))
	if err != nil {
		r.opts.Mux.detach(r)
		return err
	}
	r.callback, r.warnings, r.started = callback, warnings, true
	return nil
}

func (r *Receiver) callbackURL(addr *net.TCPAddr) (string, []string, error) {
	warnings := append([]string(nil), r.tlsCert...)
	if r.base != nil {
		if r.leafHost != nil {
			if w := r.leafHost(r.base.Hostname()); w != "" {
				warnings = append(warnings, w)
			}
		}
		return r.base.Scheme + "://" + r.base.Host + r.base.EscapedPath() + r.suffix, warnings, nil
	}
	host, guessed, err := callbackHost(addr.IP, r.opts.RouteTo)
	if err != nil {
		return "", nil, err
	}
	if guessed {
		warnings = append(warnings, "the callback URL uses 127.0.0.1: a sender on another host cannot reach it; set a callback URL or the host to route toward")
	}
	scheme := "http"
	if r.tlsCfg != nil {
		scheme = "https"
		if w := r.leafHost(host); w != "" {
			warnings = append(warnings, w)
		}
	}
	return scheme + "://" + net.JoinHostPort(host, fmt.Sprint(addr.Port)) + r.path, warnings, nil
}

// CallbackURL is the URL to give the sender: scheme://host:port/<token path>.
// Empty before Start.
func (r *Receiver) CallbackURL() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.callback
}

// CallbackPath is the path deliveries must arrive on; known before Start.
func (r *Receiver) CallbackPath() string { return r.path }

// Addr is the bound address; nil before Start.
func (r *Receiver) Addr() net.Addr {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.opts.Mux != nil && r.started {
		return r.opts.Mux.Addr()
	}
	if r.listener == nil {
		return nil
	}
	return r.listener.Addr()
}

// Warnings are things the operator should know about the setup: a
// self-signed certificate, a certificate not covering the callback host, a
// loopback callback URL. Known after Start.
func (r *Receiver) Warnings() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.warnings...)
}

// Close stops accepting, waits up to Options.ShutdownTimeout for in-flight
// requests (their OnDelivery calls included), then drops what is left.
// Answers held back by Options.Delay are sent at once.
func (r *Receiver) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), r.opts.ShutdownTimeout)
	defer cancel()
	return r.Shutdown(ctx)
}

// Shutdown is Close bounded by ctx instead of Options.ShutdownTimeout.
// Calling it again returns the first result.
func (r *Receiver) Shutdown(ctx context.Context) error {
	r.closeOnce.Do(func() {
		if r.opts.Mux != nil {
			// Detach first: nothing new reaches this run once it closes.
			r.opts.Mux.detach(r)
		}
		close(r.stopping)
		r.mu.Lock()
		srv := r.server
		r.mu.Unlock()
		if srv != nil {
			r.closeErr = srv.shutdown(ctx)
		}
		if r.forward != nil {
			r.forward.close()
		}
		close(r.closed)
	})
	return r.closeErr
}

// Deliveries returns a copy of the in-memory history, oldest first.
func (r *Receiver) Deliveries() []Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.deliveries.snapshot()
}

// Strays returns a copy of the recent strays, oldest first.
func (r *Receiver) Strays() []Stray {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.strays.snapshot()
}

// TLSErrors returns a copy of the recent failed handshakes, oldest first.
func (r *Receiver) TLSErrors() []TLSError {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tlsErrors.snapshot()
}

// Stats returns the counters.
func (r *Receiver) Stats() Stats {
	return Stats{
		Deliveries: r.stats.deliveries.Load(),
		Strays:     r.stats.strays.Load(),
		Malformed:  r.stats.malformed.Load(),
		Oversized:  r.stats.oversized.Load(),
		TLSErrors:  r.stats.tlsErrors.Load(),
	}
}

func (r *Receiver) recordTLSError(remote string, err error) {
	e := TLSError{At: time.Now(), Remote: remote, Error: err.Error(), Hint: tlsHint(err)}
	r.stats.tlsErrors.Add(1)
	r.mu.Lock()
	r.tlsErrors.push(e)
	r.mu.Unlock()
	if r.opts.OnTLSError != nil {
		r.opts.OnTLSError(e)
	}
}
