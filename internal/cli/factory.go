package cli

import (
	"github.com/monhook/monhook/internal/clock"
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
}

// GlobalOptions are the flags every command accepts (OpenStack habits).
type GlobalOptions struct {
	Cloud         string
	AuthURL       string
	RegionName    string
	Interface     string
	CACert        string
	Insecure      bool
	MonascaAPIURL string
	Output        string
	ConfigFile    string
	Debug         bool
}
