// Package serve is `monhook serve`: the check as a continuous canary for
// Prometheus, in blackbox_exporter's multi-target shape. /probe runs one
// check per scrape; scheduled targets run in the background and their last
// results appear on /metrics; one receiver serves every probe for the
// process lifetime, each probe on its own token path.
//
// Shaped like httptest.Server: New (validates, listens on nothing), Start,
// URL, Handler, Shutdown (drains) and Close.
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/monhook/monhook/internal/clock"
	"github.com/monhook/monhook/receiver"
)

// Options configure a Server.
type Options struct {
	Config Config
	// Resolve turns a cloud name ("" = the OS_* environment) into its
	// authentication. An error means the cloud is unknown or its settings
	// incomplete: /probe answers 400, a target's cloud fails New.
	Resolve func(cloud string) (ConnectFunc, error)
	// Clock drives schedules and the runner; nil is the wall clock.
	Clock clock.Clock
	// Logger gets one line per probe and the sweep's findings; nil discards.
	Logger *slog.Logger
	// LabSpeed tells whether a cloud is a monhook lab and its speed (0:
	// not a lab, or unknown); used when Config.Speed is 0. nil: none is.
	LabSpeed func(cloud string) float64
	// Load reads the configuration again (flags and config file) for
	// POST /-/reload and ReloadFromSource; nil: reloading is not offered.
	Load func() (Config, error)
}

// Server is one `monhook serve`.
type Server struct {
	cfgMu    sync.Mutex // guards cfg, targets and running; Reload replaces them
	cfg      Config
	running  bool // schedules started, not draining
	clk      clock.Clock
	log      *slog.Logger
	load     func() (Config, error)
	labSpeed func(cloud string) float64
	conns    *connCache
	ids      *runIDs

	reg         *prometheus.Registry
	metrics     *exporterMetrics
	probeDescs  *resultDescs
	targetDescs *resultDescs

	sem      chan struct{} // the concurrency cap
	flights  *flights
	inflight *tracker
	targets  []*targetState
	recent   *history
	leaks    *leaks
	// mailProbed is set once a type=email probe ran: from then on the
	// sweep looks at the mailbox too (sweep_mail.go).
	mailProbed atomic.Bool

	probeCtx     context.Context // cancelled when draining runs out of time
	cancelProbes context.CancelFunc
	schedCtx     context.Context
	stopSched    context.CancelFunc
	schedWG      sync.WaitGroup
	sweepDone    chan struct{}

	shutdownOnce sync.Once
	shutdownErr  error

	mu      sync.Mutex
	mux     *receiver.Mux
	httpSrv *http.Server
	ln      net.Listener
	started bool
}

// New validates the configuration and resolves every target's cloud;
// nothing listens yet. Configuration problems are *ConfigError.
func New(opts Options) (*Server, error) {
	cfg := opts.Config.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opts.Resolve == nil {
		return nil, errors.New("serve: Options.Resolve is required")
	}
	s := &Server{
		cfg:       cfg,
		clk:       opts.Clock,
		log:       opts.Logger,
		load:      opts.Load,
		labSpeed:  opts.LabSpeed,
		conns:     newConnCache(opts.Resolve),
		ids:       newRunIDs(cfg.InstanceID),
		reg:       prometheus.NewRegistry(),
		sem:       make(chan struct{}, cfg.MaxConcurrent),
		flights:   newFlights(),
		inflight:  &tracker{},
		recent:    newHistory(cfg.History),
		leaks:     newLeaks(),
		sweepDone: make(chan struct{}),
	}
	if s.clk == nil {
		s.clk = clock.Real{}
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s.probeCtx, s.cancelProbes = context.WithCancel(context.Background())
	s.schedCtx, s.stopSched = context.WithCancel(context.Background())
	targets, err := s.newTargetStates(cfg.Targets, nil)
	if err != nil {
		return nil, err
	}
	s.targets = targets
	s.probeDescs = newProbeDescs()
	s.targetDescs = newResultDescs([]string{"target", "cloud", "scenario", "type"})
	s.metrics = newExporterMetrics(s.reg, s.muxCounter((*receiver.Mux).Unrouted), s.muxCounter((*receiver.Mux).TLSErrors))
	s.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		targetCollector{s},
	)
	return s, nil
}

// Config is the effective configuration (defaults filled in), the
// reloaded one after a Reload.
func (s *Server) Config() Config {
	s.cfgMu.Lock()
	defer s.cfgMu.Unlock()
	return s.cfg
}

// currentTargets are the scheduled targets now.
func (s *Server) currentTargets() []*targetState {
	s.cfgMu.Lock()
	defer s.cfgMu.Unlock()
	return s.targets
}

// Start opens the receiver and the HTTP listener, starts the start-up
// sweep and the scheduled targets.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return errors.New("serve: already started")
	}
	mux := receiver.NewMux(receiver.MuxOptions{Listen: s.cfg.ReceiverListen, TLSCert: s.cfg.TLSCert, TLSKey: s.cfg.TLSKey})
	if err := mux.Start(); err != nil {
		return fmt.Errorf("receiver (serve.receiver-listen %s): %w", s.cfg.ReceiverListen, err)
	}
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		mux.Close()
		return fmt.Errorf("listen (serve.listen %s): %w", s.cfg.Listen, err)
	}
	s.mux, s.ln, s.started = mux, ln, true
	s.httpSrv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	srv, webConfig := s.httpSrv, s.cfg.WebConfigFile
	go func() {
		if err := serveHTTP(ln, srv, webConfig, s.log); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("HTTP listener stopped", "error", err)
		}
	}()

	s.schedWG.Add(1)
	go s.sweepLoop()
	s.cfgMu.Lock()
	s.running = true
	s.startSchedules(s.targets)
	s.cfgMu.Unlock()
	s.log.Info("serving", "listen", ln.Addr().String(), "receiver", mux.Addr().String(),
		"instance", s.cfg.InstanceID, "targets", len(s.targets))
	return nil
}

// startSchedules starts the targets' schedules that are not running yet,
// their first runs spread over the shortest interval so that a hundred
// targets do not all hit Monasca in the same second.
func (s *Server) startSchedules(ts []*targetState) {
	unit := spreadUnit(ts)
	for i, t := range ts {
		if t.started {
			continue
		}
		t.started = true
		s.schedWG.Add(1)
		go s.schedule(t, time.Duration(i)*unit)
	}
}

func spreadUnit(ts []*targetState) time.Duration {
	shortest := time.Duration(0)
	for _, t := range ts {
		if shortest == 0 || t.Interval < shortest {
			shortest = t.Interval
		}
	}
	if len(ts) == 0 {
		return 0
	}
	return shortest / time.Duration(len(ts))
}

// muxCounter reads one of the shared receiver's counters (0 before Start).
func (s *Server) muxCounter(read func(*receiver.Mux) uint64) func() float64 {
	return func() float64 {
		if m := s.receiverMux(); m != nil {
			return float64(read(m))
		}
		return 0
	}
}

func (s *Server) receiverMux() *receiver.Mux {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mux
}

// URL is the HTTP base URL, e.g. http://127.0.0.1:10070; "" before Start.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return "http://" + reachable(s.ln.Addr())
}

// ReceiverAddr is the shared receiver's bound address; nil before Start.
func (s *Server) ReceiverAddr() net.Addr {
	if m := s.receiverMux(); m != nil {
		return m.Addr()
	}
	return nil
}

// SweepDone is closed once the start-up sweep has finished.
func (s *Server) SweepDone() <-chan struct{} { return s.sweepDone }

// Handler serves /, /probe, /metrics, /healthz, /report and /-/reload.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /probe", s.handleProbe)
	mux.Handle("GET /metrics", s.metricsHandler())
	mux.HandleFunc("GET /healthz", s.handleHealthz)
	mux.HandleFunc("GET /report", s.handleReport)
	mux.HandleFunc("POST /-/reload", s.handleReload)
	mux.HandleFunc("PUT /-/reload", s.handleReload)
	mux.HandleFunc("GET /{$}", s.handleIndex)
	return mux
}

// Shutdown drains: no new probes start, the ones in flight get
// DrainTimeout to finish and are then cancelled (their teardown still
// runs), then the listeners close. ctx bounds the whole wait.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutdownOnce.Do(func() { s.shutdownErr = s.shutdown(ctx) })
	return s.shutdownErr
}

func (s *Server) shutdown(ctx context.Context) error {
	// Under cfgMu: a concurrent Reload starts no schedule after this.
	s.cfgMu.Lock()
	s.running = false
	s.stopSched()
	s.cfgMu.Unlock()
	idle := s.inflight.drain()
	s.mu.Lock()
	srv, mux := s.httpSrv, s.mux
	s.mu.Unlock()
	httpDone := make(chan error, 1)
	if srv != nil {
		go func() { httpDone <- srv.Shutdown(context.WithoutCancel(ctx)) }()
	} else {
		httpDone <- nil
	}
	grace := s.clk.NewTimer(s.Config().DrainTimeout)
	defer grace.Stop()
	select {
	case <-idle:
	case <-grace.C():
		s.log.Warn("drain timeout: cancelling probes in flight (teardown still runs)")
		s.cancelProbes()
	case <-ctx.Done():
		s.cancelProbes()
	}
	<-idle
	s.schedWG.Wait()
	err := <-httpDone
	if mux != nil {
		if cerr := mux.Close(); err == nil {
			err = cerr
		}
	}
	s.cancelProbes()
	return err
}

// Close is Shutdown with no drain time: probes in flight are cancelled and
// torn down.
func (s *Server) Close() error {
	s.cancelProbes()
	return s.Shutdown(context.Background())
}

// reachable turns a wildcard listen address into one a local client can
// dial.
func reachable(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return net.JoinHostPort("127.0.0.1", fmt.Sprint(tcp.Port))
}
