package cli

import (
	"context"
	"errors"
	"io"

	"github.com/monhook/monhook/internal/clock"
	"github.com/monhook/monhook/openstack"
)

// Factory holds the dependencies commands share, built lazily so a command
// that needs no cloud never authenticates.
type Factory struct {
	IO      *IOStreams
	Clock   clock.Clock
	Version string

	// Global holds the values of the global flags after config and env have
	// been applied.
	Global *GlobalOptions

	// Connect authenticates; nil means openstack.Connect. Tests replace it.
	Connect func(ctx context.Context, flags openstack.AuthFlags) (*openstack.Session, error)
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
	flags := f.Global.AuthFlags(f.IO.ErrOut, f.Version)
	flags.PromptPassword = f.IO.passwordPrompt()
	s, err := connect(ctx, flags)
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
		return &ExitError{Code: ExitUsage, Err: err}
	}
	return cannotRun(err)
}
