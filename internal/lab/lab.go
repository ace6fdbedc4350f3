package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/monhook/monhook/internal/clock"
	"github.com/monhook/monhook/internal/lab/agents"
	"github.com/monhook/monhook/internal/lab/api"
	"github.com/monhook/monhook/internal/lab/bus"
	"github.com/monhook/monhook/internal/lab/evaluator"
	"github.com/monhook/monhook/internal/lab/keystone"
	"github.com/monhook/monhook/internal/lab/notifier"
	"github.com/monhook/monhook/internal/lab/profile"
	"github.com/monhook/monhook/internal/lab/store"
)

// Options configure a Lab. The zero value is a usable local lab.
type Options struct {
	Addr  string      // listen address; "" = 127.0.0.1:0 (loopback, ephemeral port)
	Clock clock.Clock // nil = the wall clock
	Speed float64     // time compression for part 2; ≤0 = 1 (real time)
	Hosts int         // simulated agents posting cpu.idle_perc; 0 = 3, <0 = none
	Seed  int64       // the agents' random seed; 0 = 1 (reproducible runs)

	// KeystoneURL switches to external mode: the lab serves only Monasca and
	// validates each token against this Keystone, as keystonemiddleware.
	KeystoneURL string
	// Service credentials for external mode (keystonemiddleware's
	// [keystone_authtoken]); with no ServiceUser tokens validate themselves.
	ServiceUser, ServicePassword, ServiceProject string
	ServiceUserDomain, ServiceProjectDomain      string // "" = Default

	TokenTTL time.Duration // lab Keystone token lifetime; 0 = 1h
	Region   string        // "" = RegionOne

	// MonitoringWithoutVersion advertises {URL}/monitoring in the catalog
	// instead of {URL}/monitoring/v2.0 (some deployments register the
	// versionless root; clients must cope with both).
	MonitoringWithoutVersion bool

	// AgentsProject makes the simulated agents report into a separate
	// project of this name, as monasca-agent does with its own service
	// account, instead of the lab's project: the lab's users then see no
	// agent metrics. The project gets a user "labserviceagent" with the
	// monasca-agent role, Monasca's delegate role, which may also post into
	// other projects with ?tenant_id=. "" (or the lab's project): no
	// separate project. Own Keystone only.
	AgentsProject string
	// AgentClockSkew is how far the agents' clocks run ahead of the lab's
	// (negative: behind), in real time; monasca-thresh silently drops
	// measurements outside its window, so skewed agents never move alarms.
	AgentClockSkew time.Duration
	// DefinitionDelay is how long alarm definitions take to reach the
	// threshold engine (Kafka's events topic; about 3 s on a real
	// deployment), in Monasca time: divided by Speed. 0: at once.
	DefinitionDelay time.Duration
	// NoNotifier leaves the notification engine out: alarms still change
	// state, nothing is ever sent (a dead monasca-notification).
	NoNotifier bool
	// SMTP is the notifier's smarthost for EMAIL methods (the email
	// plugin's [email_notifier]); with no Addr EMAIL methods are accepted
	// but nothing is mailed. Its Format is the release's mail layout.
	SMTP notifier.SMTP
	// Profile is the Monasca release and API flavor the lab answers as
	// (internal/lab/profile); the zero value is the latest Python API.
	Profile profile.Profile
	// NotifierAuthToken makes the notifier send X-Auth-Token with each
	// webhook, as monasca-notification does from Rocky on with [keystone]
	// auth_required = True (the token of NotifierUser). Own Keystone only;
	// the CLI refuses it for releases before Rocky.
	NotifierAuthToken bool

	Logger *slog.Logger // status logging; nil = discard
	Debug  io.Writer    // if set, one line per request (never token values)
}

// User is a seeded lab user and where it can work.
type User struct {
	Name, Password            string
	Project, ProjectID        string
	UserDomain, ProjectDomain string
	Roles                     []string
}

// Seeded names. Passwords are fixed and public: the lab is a local test
// service and printing them is its purpose.
const (
	Project      = "monhook-lab"
	OtherProject = "other-project"
)

var seedUsers = []struct {
	name, password, project string
	roles                   []string
}{
	{"labuser", "labuser-password", Project, []string{api.RoleUser}},
	{"labreader", "labreader-password", Project, []string{api.RoleReadOnly}},
	{"labagent", "labagent-password", Project, []string{api.RoleAgent}},
	{"labadmin", "labadmin-password", Project, []string{api.RoleAdmin}},
	{"otheruser", "otheruser-password", OtherProject, []string{api.RoleUser}},
}

// ServiceAgentUser is the agents' user in Options.AgentsProject.
const ServiceAgentUser = "labserviceagent"

// Lab is one lab instance.
type Lab struct {
	opts    Options
	clock   clock.Clock
	log     *slog.Logger
	bus     *bus.Bus
	store   *store.Store
	ks      *keystone.Server // nil in external mode
	remote  *keystone.Remote // external mode only
	api     *api.API
	handler http.Handler
	users   []User

	mu       sync.Mutex
	started  bool
	closed   bool
	url      string
	srv      *http.Server
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	agentsTo string // tenant the simulated agents post into

	evaluator *evaluator.Engine // set by Start
	notifier  *notifier.Engine  // set by Start
	fleet     *agents.Fleet     // set by Start when agents run
}

// New builds an unstarted lab. Handler works before Start.
func New(opts Options) *Lab {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.Speed <= 0 {
		opts.Speed = 1
	}
	if opts.Hosts == 0 {
		opts.Hosts = 3
	}
	if opts.Region == "" {
		opts.Region = "RegionOne"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	l := &Lab{opts: opts, clock: opts.Clock, log: opts.Logger, bus: bus.New()}
	l.store = store.New(store.Options{Bus: l.bus, Clock: opts.Clock})

	var validator keystone.Validator
	if opts.KeystoneURL != "" {
		l.remote = keystone.NewRemote(keystone.RemoteOptions{
			URL: opts.KeystoneURL, User: opts.ServiceUser, Password: opts.ServicePassword, Project: opts.ServiceProject,
			UserDomain: opts.ServiceUserDomain, ProjectDomain: opts.ServiceProjectDomain, Clock: opts.Clock,
		})
		validator = l.remote
	} else {
		l.ks = keystone.New(keystone.Options{Clock: opts.Clock, TokenTTL: opts.TokenTTL, Region: opts.Region, Catalog: l.catalog})
		l.seed()
		validator = l.ks
	}
	l.api = api.New(api.Options{Store: l.store, Auth: validator, Clock: opts.Clock, Logger: opts.Logger,
		AuthenticateURI: l.keystoneURI, Profile: opts.Profile})

	mux := http.NewServeMux()
	if l.ks != nil {
		mux.Handle("/identity/", http.StripPrefix("/identity", l.ks.Handler()))
		mux.Handle("/identity", http.StripPrefix("/identity", l.ks.Handler()))
	}
	mux.Handle("/monitoring/", http.StripPrefix("/monitoring", l.api))
	mux.Handle("/monitoring", http.StripPrefix("/monitoring", l.api))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"title":"404 Not Found"}`+"\n")
	})
	var h http.Handler = announceSpeed(opts.Speed, mux)
	if opts.Debug != nil {
		h = debugLog(opts.Debug, opts.Clock, h)
	}
	l.handler = h
	return l
}

func (l *Lab) seed() {
	projects := map[string]keystone.Project{}
	for _, name := range []string{Project, OtherProject} {
		projects[name] = l.ks.AddProject(name)
	}
	users := seedUsers
	agents := l.opts.AgentsProject
	if agents != "" && agents != Project {
		if _, ok := projects[agents]; !ok {
			projects[agents] = l.ks.AddProject(agents)
		}
		users = append(slices.Clone(users), struct {
			name, password, project string
			roles                   []string
		}{ServiceAgentUser, ServiceAgentUser + "-password", agents, []string{api.RoleAgent}})
	}
	for _, s := range users {
		u := l.ks.AddUser(s.name, s.password)
		p := projects[s.project]
		l.ks.Grant(u.ID, p.ID, s.roles...)
		l.users = append(l.users, User{
			Name: s.name, Password: s.password, Project: p.Name, ProjectID: p.ID,
			UserDomain: keystone.DefaultDomainName, ProjectDomain: keystone.DefaultDomainName,
			Roles: append([]string(nil), s.roles...),
		})
	}
	l.agentsTo = projects[Project].ID
	if agents != "" {
		l.agentsTo = projects[agents].ID
	}
}

// catalog builds the service catalog from the URL the client used, so it
// is right for httptest servers, Start, and any --listen address.
func (l *Lab) catalog(r *http.Request) []keystone.Service {
	base := "http://" + r.Host
	if r.TLS != nil {
		base = "https://" + r.Host
	}
	mon := base + "/monitoring/v2.0"
	if l.opts.MonitoringWithoutVersion {
		mon = base + "/monitoring"
	}
	all := func(u string) map[string]string {
		return map[string]string{"public": u, "internal": u, "admin": u}
	}
	return []keystone.Service{
		{ID: "identity", Type: "identity", Name: "keystone", Endpoints: all(base + "/identity/v3")},
		{ID: "monitoring", Type: "monitoring", Name: "monasca", Endpoints: all(mon)},
	}
}

// Profile is the Monasca release and API flavor the lab answers as.
func (l *Lab) Profile() profile.Profile { return l.opts.Profile }

// Handler serves the whole lab (Keystone under /identity, Monasca under
// /monitoring) without a socket, e.g. behind httptest.NewServer.
func (l *Lab) Handler() http.Handler { return l.handler }

// Start listens on Options.Addr and starts serving and the engines. The
// context bounds only the startup (external Keystone lookups, engines
// subscribing); Close stops the lab, also after a failed Start.
func (l *Lab) Start(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.started || l.closed {
		return errors.New("lab: already started or closed")
	}
	addr := l.opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if l.remote != nil && l.opts.ServiceUser != "" {
		id, err := l.remote.ServiceIdentity(ctx)
		if err != nil {
			return fmt.Errorf("lab: external keystone: %w", err)
		}
		l.agentsTo = id.ProjectID
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("lab: listen: %w", err)
	}
	l.url = "http://" + reachable(ln.Addr())
	l.srv = &http.Server{Handler: l.handler, ReadHeaderTimeout: 10 * time.Second}
	runCtx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	l.started = true
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		if err := l.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			l.log.Error("lab server stopped", "err", err)
		}
	}()
	// Listeners first, and only once they listen the rest (the agents):
	// an event published before an engine subscribed would never reach it.
	// The lock is released while waiting so an engine may call the lab.
	all := l.engines()
	listeners := 0
	for _, e := range all {
		if e.subscribes {
			listeners++
			l.runEngine(runCtx, e)
		}
	}
	l.mu.Unlock()
	err = l.bus.WaitForSubscribers(ctx, listeners)
	l.mu.Lock()
	if err != nil {
		return fmt.Errorf("lab: waiting for the engines: %w", err)
	}
	if l.closed {
		return errors.New("lab: closed while starting")
	}
	for _, e := range all {
		if !e.subscribes {
			l.runEngine(runCtx, e)
		}
	}
	return nil
}

// Close stops serving, stops the engines and waits for every goroutine.
func (l *Lab) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	srv, cancel := l.srv, l.cancel
	l.mu.Unlock()
	var err error
	if cancel != nil {
		cancel()
	}
	if srv != nil {
		ctx, stop := context.WithTimeout(context.Background(), 5*time.Second)
		err = srv.Shutdown(ctx)
		stop()
		if err != nil {
			err = srv.Close()
		}
	}
	l.wg.Wait()
	l.bus.Close()
	return err
}

func (l *Lab) runEngine(ctx context.Context, e engine) {
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		if err := e.run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			l.log.Error("lab engine stopped", "engine", e.name, "err", err)
		}
	}()
}

// reachable turns a wildcard listen address (0.0.0.0, ::) into the
// loopback address, so URL is always something a local client can dial.
func reachable(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	// A wildcard listener is dual-stack on Linux, so IPv4 loopback works.
	return net.JoinHostPort("127.0.0.1", fmt.Sprint(tcp.Port))
}

// URL is the lab's base URL ("" before Start).
func (l *Lab) URL() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.url
}

// AuthURL is the Keystone v3 URL; it ends in /v3 so gophercloud does no
// version discovery. In external mode it is the external Keystone.
func (l *Lab) AuthURL() string {
	if l.remote != nil {
		return l.remote.AuthURL()
	}
	return l.URL() + "/identity/v3"
}

// keystoneURI is the Keystone a 401 points clients at (keystonemiddleware's
// www_authenticate_uri): AuthURL without its version, or "" before the lab
// listens.
func (l *Lab) keystoneURI() string {
	if l.remote == nil && l.URL() == "" {
		return ""
	}
	return strings.TrimSuffix(l.AuthURL(), "/v3")
}

// MonitoringURL is the Monasca endpoint as the catalog advertises it.
func (l *Lab) MonitoringURL() string {
	if l.opts.MonitoringWithoutVersion {
		return l.URL() + "/monitoring"
	}
	return l.URL() + "/monitoring/v2.0"
}

// Region is the catalog region.
func (l *Lab) Region() string { return l.opts.Region }

// Users returns the seeded users (none in external mode).
func (l *Lab) Users() []User {
	out := make([]User, len(l.users))
	for i, u := range l.users {
		u.Roles = append([]string(nil), u.Roles...)
		out[i] = u
	}
	return out
}

// Credentials returns the seeded monasca-user (labuser); zero in external
// mode.
func (l *Lab) Credentials() User {
	for _, u := range l.Users() {
		if u.Name == "labuser" {
			return u
		}
	}
	return User{}
}

// User returns the seeded user by name.
func (l *Lab) User(name string) (User, bool) {
	for _, u := range l.Users() {
		if u.Name == name {
			return u, true
		}
	}
	return User{}, false
}

// Store is the lab's state, for tests and part 2.
func (l *Lab) Store() *store.Store { return l.store }

// Bus is the lab's event bus.
func (l *Lab) Bus() *bus.Bus { return l.bus }

// Keystone is the lab's Keystone (nil in external mode).
func (l *Lab) Keystone() *keystone.Server { return l.ks }

// Token issues a project-scoped token for a seeded user, for tests that
// want to skip the auth round trip.
func (l *Lab) Token(userName string) (string, error) {
	if l.ks == nil {
		return "", errors.New("lab: external mode has no local Keystone")
	}
	for _, u := range l.users {
		if u.Name != userName {
			continue
		}
		id, ok := l.ks.UserID(u.Name)
		if !ok {
			break
		}
		return l.ks.IssueToken(id, u.ProjectID)
	}
	return "", fmt.Errorf("lab: no seeded user %q", userName)
}

// AgentsTenantID is the project the simulated agents post into.
func (l *Lab) AgentsTenantID() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.agentsTo
}

// debugLog writes one line per request: method, path, status, duration.
// Headers are never logged, so tokens and passwords stay out. The line is
// written when the status is set, before the client can see the response,
// so a caller that got its answer also finds the log line.
func debugLog(w io.Writer, clk clock.Clock, next http.Handler) http.Handler {
	var mu sync.Mutex
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		path := r.URL.Path
		if r.URL.RawQuery != "" {
			path += "?" + r.URL.RawQuery
		}
		start := clk.Now()
		rec := &statusRecorder{ResponseWriter: rw, log: func(status int) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(w, "lab: %s %s -> %d (%s)\n", r.Method, strings.ReplaceAll(path, "\n", ""), status,
				clk.Now().Sub(start).Round(time.Microsecond))
		}}
		next.ServeHTTP(rec, r)
		rec.WriteHeader(http.StatusOK) // no-op when already written
	})
}

type statusRecorder struct {
	http.ResponseWriter
	log     func(status int)
	written bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.written {
		return
	}
	s.written = true
	s.log(code)
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	s.WriteHeader(http.StatusOK)
	return s.ResponseWriter.Write(p)
}
