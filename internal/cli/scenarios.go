package cli

import (
	"context"
	"encoding/json"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/monhook/monhook/scenarios"
)

type scenariosOptions struct {
	IO     *IOStreams
	Output func() string
}

// NewCmdScenarios builds `monhook scenarios`.
func NewCmdScenarios(f *Factory, runF func(context.Context, *scenariosOptions) error) *cobra.Command {
	o := &scenariosOptions{IO: f.IO, Output: func() string { return f.Global.Output }}
	return &cobra.Command{
		Use:   "scenarios",
		Short: "List the built-in scenarios and what each proves",
		Args:  noArgs,
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
	switch o.Output() {
	case "json":
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(all)
	case "yaml":
		enc := yaml.NewEncoder(o.IO.Out)
		defer enc.Close()
		return enc.Encode(all)
	}
	t := tablewriter.NewTable(o.IO.Out,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAutoWrap(tw.WrapNormal),
		tablewriter.WithRowMaxWidth(60),
	)
	t.Header("SCENARIO", "METRIC", "EXPRESSION", "PROVES")
	for _, s := range all {
		if err := t.Append(s.Name, s.Metric.Source+": "+s.Metric.Name, s.Expression, s.Proves); err != nil {
			return err
		}
	}
	return t.Render()
}
