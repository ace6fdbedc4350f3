package cli

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/monhook/monhook/output"
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
	Output  string
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
			opts.Output = f.Output()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return versionRun(cmd.Context(), opts)
		},
	}
}

// versionInfo is `monhook version -o json|yaml`'s document.
type versionInfo struct {
	Version  string `json:"version"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

func versionRun(_ context.Context, o *versionOptions) error {
	v := versionInfo{Version: o.Version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	return output.Print(o.IO.Out, o.Output, v, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "monhook %s (%s, %s)\n", v.Version, v.Go, v.Platform)
		return err
	})
}
