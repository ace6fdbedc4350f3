package cli

import (
	"context"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	canary "github.com/monhook/monhook/internal/serve"
)

// commandLineArgs are the flags given on cmd's command line (its own and
// the inherited global ones), as arguments that give them again.
func commandLineArgs(cmd *cobra.Command) []string {
	var args []string
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		if sv, ok := fl.Value.(pflag.SliceValue); ok {
			for _, v := range sv.GetSlice() {
				args = append(args, "--"+fl.Name+"="+v)
			}
			return
		}
		args = append(args, "--"+fl.Name+"="+fl.Value.String())
	})
	return args
}

// serveLoader reads serve's configuration again, the way the process
// started: the same command-line flags, the config file and MONHOOK_*
// read afresh, every check of the command line run again (a bad value
// is the same usage error it would be at start-up). SIGHUP and
// POST /-/reload use it.
func serveLoader(f *Factory, args []string, lab bool) func() (canary.Config, error) {
	return func() (canary.Config, error) {
		quiet := &IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}
		f2 := NewFactory(quiet, f.Version)
		root := NewCmdRoot(f2)
		for _, c := range root.Commands() {
			if c.Name() == "serve" {
				root.RemoveCommand(c)
			}
		}
		var got *serveOptions
		root.AddCommand(NewCmdServe(f2, func(_ context.Context, o *serveOptions) error { got = o; return nil }))
		root.SetArgs(append([]string{"serve"}, args...))
		root.SetOut(io.Discard)
		root.SetErr(io.Discard)
		if _, err := root.ExecuteC(); err != nil {
			return canary.Config{}, err
		}
		// --lab and its flags shape the lab, which keeps running: only
		// serve's own settings reload.
		got.Lab = lab
		return effectiveServeConfig(got), nil
	}
}

// effectiveServeConfig is the configuration serve runs with: with --lab,
// the lab's default speed and the lab as the default cloud.
func effectiveServeConfig(o *serveOptions) canary.Config {
	cfg := o.Config
	if o.Lab {
		if cfg.Speed == 0 {
			cfg.Speed = defaultLabSpeed
		}
		// The lab is the only cloud: label it as what it is, not as the
		// OS_* environment ("env").
		cfg.DefaultCloud = "lab"
	}
	return cfg
}
