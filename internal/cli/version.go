package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Set by the linker: -X github.com/monhook/monhook/internal/cli.version=...
var version = ""

// Version returns the build's version: the linker's, else the module's.
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

type versionOptions struct {
	IO      *IOStreams
	Version string
}

// NewCmdVersion builds `monhook version`.
func NewCmdVersion(f *Factory, runF func(context.Context, *versionOptions) error) *cobra.Command {
	opts := &versionOptions{IO: f.IO}
	return &cobra.Command{
		Use:   "version",
		Short: "Print monhook's version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Version = f.Version
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return versionRun(cmd.Context(), opts)
		},
	}
}

func versionRun(_ context.Context, o *versionOptions) error {
	_, err := fmt.Fprintf(o.IO.Out, "monhook %s (%s, %s/%s)\n", o.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}
