package cli

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/monhook/monhook/output"
)

// Set by the linker (`make build`, `make install`, `make dist`, `make image`):
// -X github.com/monhook/monhook/internal/cli.version=... and likewise commit
// and date. date is the commit's time, not the build's, so that two builds of
// one commit are byte for byte the same binary.
var (
	version = ""
	commit  = ""
	date    = ""
)

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

// buildCommit returns the commit and its time the binary was built from: the
// linker's, else what the go command recorded from the work tree (vcs.*
// build settings; absent with -buildvcs=false or outside a clone).
func buildCommit() (rev, when string) {
	rev, when = commit, date
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && rev == "":
				rev = s.Value
			case s.Key == "vcs.time" && when == "":
				when = s.Value
			}
		}
	}
	return rev, when
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
		Short: "Print monhook's version, commit and build details",
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
	Commit   string `json:"commit,omitempty"`
	Date     string `json:"date,omitempty"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

func versionRun(_ context.Context, o *versionOptions) error {
	v := versionInfo{Version: o.Version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	v.Commit, v.Date = buildCommit()
	return output.Print(o.IO.Out, o.Output, v, func(w io.Writer) error {
		details := []string{}
		if v.Commit != "" {
			details = append(details, "commit "+v.Commit)
		}
		if v.Date != "" {
			details = append(details, v.Date)
		}
		details = append(details, v.Go, v.Platform)
		_, err := fmt.Fprintf(w, "monhook %s (%s)\n", v.Version, strings.Join(details, ", "))
		return err
	})
}
