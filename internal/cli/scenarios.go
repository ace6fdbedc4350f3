package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/monhook/monhook/output"
	"github.com/monhook/monhook/scenarios"
)

type scenariosOptions struct {
	IO     *IOStreams
	Output func() string
}

// NewCmdScenarios builds `monhook scenarios`.
func NewCmdScenarios(f *Factory, runF func(context.Context, *scenariosOptions) error) *cobra.Command {
	o := &scenariosOptions{IO: f.IO, Output: f.Output}
	return &cobra.Command{
		Use:   "scenarios",
		Short: "List the built-in scenarios and what each proves",
		Long: `List the built-in scenarios: the metric and expression each uses, what a pass
proves, and its minimum: the least time a run takes on a healthy real deployment
(Monasca's own timings; divided by --speed on the lab). A --timeout below it
cannot pass, and a run it cuts short says so first.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return scenariosRun(cmd.Context(), o)
		},
	}
}

func scenariosRun(_ context.Context, o *scenariosOptions) error {
	all := scenarios.Builtins()
	return output.Print(o.IO.Out, o.Output(), all, func(w io.Writer) error {
		// MINIMUM is the least a run takes on a healthy real deployment: a
		// shorter --timeout cannot pass (divided by --speed on the lab).
		t := output.NewTable(w, "SCENARIO", "METRIC", "EXPRESSION", "MINIMUM", "PROVES")
		for _, s := range all {
			if err := t.Append(s.Name, s.Metric.Source+": "+s.Metric.Name, s.Expression, s.Minimum.Duration().String(), s.Proves); err != nil {
				return err
			}
		}
		return t.Render()
	})
}
