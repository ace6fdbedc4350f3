package cli

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/monhook/monhook/exitcode"
	"github.com/monhook/monhook/internal/clock"
	"github.com/monhook/monhook/openstack"
	"github.com/monhook/monhook/output"
)

// Factory holds the dependencies commands share, built lazily so a command
// that needs no cloud never authenticates. Commands do not keep the Factory:
// each NewCmdXxx copies into its options only the funcs it uses (as gh's
// commands take HttpClient and Config), read when the command runs.
type Factory struct {
	IO      *IOStreams
	Clock   clock.Clock
	Version string

	// Global holds the values of the global flags after config and env have
	// been applied. NewFactory makes it; the root command binds its flags
	// into it. nil (a command built alone in a test) reads as the defaults.
	Global *GlobalOptions

	// Abandon closes when an operator insists on exiting (a second, later
	// Ctrl-C): the check cuts teardown short and lists what is left. nil
	// never closes.
	Abandon <-chan struct{}

	// Connect authenticates; nil means openstack.Connect. Tests replace it.
	Connect func(ctx context.Context, flags openstack.AuthFlags) (*openstack.Session, error)

	// The password typed at the prompt, asked once.
	promptOnce sync.Once
	promptPW   string
	promptErr  error
}

// NewFactory returns the dependencies of a real run.
func NewFactory(io *IOStreams, version string) *Factory {
	return &Factory{IO: io, Clock: clock.Real{}, Version: version, Global: &GlobalOptions{Output: output.Table}}
}

// globals returns the global options, or their defaults when the command
// was built without a root command.
func (f *Factory) globals() GlobalOptions {
	if f.Global == nil {
		return GlobalOptions{Output: output.Table}
	}
	return *f.Global
}

// Output is the -o/--output format.
func (f *Factory) Output() string {
	if o := f.globals().Output; o != "" {
		return o
	}
	return output.Table
}

// Debug reports --debug.
func (f *Factory) Debug() bool { return f.globals().Debug }

// AuthFlags is the openstack resolver's input from the global flags, with
// --debug logging to stderr and, on a terminal, the password prompt.
func (f *Factory) AuthFlags() openstack.AuthFlags {
	g := f.globals()
	flags := g.AuthFlags(f.IO.ErrOut, f.Version)
	flags.PromptPassword = f.passwordPrompt()
	return flags
}

// passwordPrompt asks at most once per process: a command that resolves
// the credentials up front (check) and then connects must not ask twice.
func (f *Factory) passwordPrompt() func(user, authURL string) (string, error) {
	ask := f.IO.passwordPrompt()
	if ask == nil {
		return nil
	}
	return func(user, authURL string) (string, error) {
		f.promptOnce.Do(func() { f.promptPW, f.promptErr = ask(user, authURL) })
		return f.promptPW, f.promptErr
	}
}

// Now is the factory clock's time.
func (f *Factory) Now() time.Time {
	if f.Clock == nil {
		return time.Now()
	}
	return f.Clock.Now()
}

// GlobalOptions are the flags every command accepts (OpenStack habits).
type GlobalOptions struct {
	Cloud             string
	AuthURL           string
	Username          string
	Password          string
	ProjectName       string
	UserDomainName    string
	ProjectDomainName string
	RegionName        string
	Interface         string
	CACert            string
	Insecure          bool
	MonascaAPIURL     string
	Output            string
	ConfigFile        string
	Debug             bool
}

// AuthFlags converts the global flags to the openstack resolver's input.
func (g *GlobalOptions) AuthFlags(debug io.Writer, version string) openstack.AuthFlags {
	f := openstack.AuthFlags{
		Cloud:             g.Cloud,
		AuthURL:           g.AuthURL,
		Username:          g.Username,
		Password:          g.Password,
		ProjectName:       g.ProjectName,
		UserDomainName:    g.UserDomainName,
		ProjectDomainName: g.ProjectDomainName,
		RegionName:        g.RegionName,
		Interface:         g.Interface,
		CACert:            g.CACert,
		MonascaAPIURL:     g.MonascaAPIURL,
		UserAgent:         "monhook/" + version,
	}
	if g.Insecure {
		insecure := true
		f.Insecure = &insecure
	}
	if g.Debug {
		f.Debug = debug
	}
	return f
}

// Session authenticates with the global flags (a command needing Monasca
// calls it; commands that do not never touch Keystone).
func (f *Factory) Session(ctx context.Context) (*openstack.Session, error) {
	connect := f.Connect
	if connect == nil {
		connect = openstack.Connect
	}
	s, err := connect(ctx, f.AuthFlags())
	if err != nil {
		return nil, connectError(err)
	}
	return s, nil
}

// connectError maps a connection failure to its exit code: incomplete or
// contradictory settings are a configuration error (2), everything else
// (Keystone, catalog, TLS, network) means the command could not run (3).
func connectError(err error) error {
	err = openstack.Explain(err)
	var oe *openstack.Error
	if errors.As(err, &oe) && oe.Kind == openstack.KindConfig {
		return &ExitError{Code: exitcode.Of(exitcode.Usage), Err: err}
	}
	return cannotRun(err)
}
