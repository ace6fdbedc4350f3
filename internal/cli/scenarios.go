package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/monhook/monhook/output"
	"github.com/monhook/monhook/scenarios"
)

type scenariosOptions struct {
	IO     *IOStreams
	Output func() string
	// Name, when set, shows that scenario in full.
	Name string
	// Speed shows the timings a `--lab --speed N` run uses.
	Speed float64
}

// NewCmdScenarios builds `monhook scenarios [NAME]`.
func NewCmdScenarios(f *Factory, runF func(context.Context, *scenariosOptions) error) *cobra.Command {
	o := &scenariosOptions{IO: f.IO, Output: f.Output}
	cmd := &cobra.Command{
		Use:   "scenarios [NAME]",
		Short: "List the built-in scenarios and what each proves",
		Long: `Without NAME, lists the built-in scenarios and what each proves. With NAME,
shows that scenario in full: the metric, the alarm expression as a run creates
it (<run-id> and <hostname> stand for the run's values), the action lists, the
expected deliveries with their time limits, and every stage's budget.

Budgets and limits are for a real cloud; --speed N shows the ones a
check --lab --speed N run uses. MINIMUM is the least time a run takes on a
healthy real deployment (Monasca's own timings, divided by --speed on the lab):
a --timeout below it cannot pass, and a run it cuts short says so first.`,
		Example: `  monhook scenarios
  monhook scenarios retry
  monhook scenarios ok-cycle --speed 60 -o yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErrorf("%s takes at most one scenario name, got %d arguments", cmd.CommandPath(), len(args))
			}
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []cobra.Completion
			for _, s := range scenarios.Builtins() {
				out = append(out, cobra.CompletionWithDesc(s.Name, s.Proves))
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Name = args[0]
			}
			if o.Speed < 1 || o.Speed > 1000 {
				return usageErrorf("--speed %g is out of range: give 1 to 1000", o.Speed)
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return scenariosRun(cmd.Context(), o)
		},
	}
	cmd.Flags().Float64Var(&o.Speed, "speed", 1, "with NAME: show the timings of a check --lab --speed N run")
	return cmd
}

func scenariosRun(_ context.Context, o *scenariosOptions) error {
	if o.Name != "" {
		s, err := scenarios.Builtin(o.Name)
		if err != nil {
			return usageErrorf("%v", scenarioSuggestion(err, o.Name))
		}
		d := describeScenario(s.Scaled(o.Speed), o.Speed)
		return output.Print(o.IO.Out, o.Output(), d, func(w io.Writer) error { return writeScenario(w, d) })
	}
	all := scenarios.Builtins()
	return output.Print(o.IO.Out, o.Output(), all, func(w io.Writer) error {
		// MINIMUM is the least a run takes on a healthy real deployment: a
		// shorter --timeout cannot pass (divided by --speed on the lab).
		t := output.NewTable(w, "SCENARIO", "METRIC", "EXPRESSION", "MINIMUM", "PROVES")
		for _, s := range all {
			if err := t.Append(s.Name, s.Metric.Source+": "+s.Metric.Name, s.Preview(), roundTiming(s.Minimum.Duration()).String(), s.Proves); err != nil {
				return err
			}
		}
		return t.Render()
	})
}

// scenarioDetail is `monhook scenarios NAME -o json|yaml`: the scenario as
// written, plus what a run derives from it.
type scenarioDetail struct {
	*scenarios.Scenario
	// Speed the timings below are for (1: a real cloud).
	Speed float64 `json:"speed" yaml:"speed"`
	// ExpressionPreview is the expression a run creates, placeholders for
	// the run's values.
	ExpressionPreview string `json:"expression_preview" yaml:"expression_preview"`
	// StageBudgets is every stage's budget, defaults included, in run order.
	StageBudgets []stageBudget `json:"stage_budgets" yaml:"stage_budgets"`
}

type stageBudget struct {
	Stage  string             `json:"stage" yaml:"stage"`
	Budget scenarios.Duration `json:"budget" yaml:"budget"`
	// Default is true when the scenario does not set this budget.
	Default bool `json:"default" yaml:"default"`
}

func describeScenario(s *scenarios.Scenario, speed float64) scenarioDetail {
	d := scenarioDetail{Scenario: s, Speed: speed, ExpressionPreview: s.Preview()}
	for _, stage := range scenarios.Stages() {
		_, own := s.Budgets[stage]
		d.StageBudgets = append(d.StageBudgets, stageBudget{Stage: stage, Budget: scenarios.Duration(s.Budget(stage)), Default: !own})
	}
	return d
}

func writeScenario(w io.Writer, d scenarioDetail) error {
	s := d.Scenario
	var b strings.Builder
	field := func(name, value string) {
		b.WriteString(output.WrapField(w, name+":", 13, value) + "\n")
	}
	field("scenario", s.Name)
	field("proves", s.Proves)
	if s.Description != "" {
		field("description", strings.Join(strings.Fields(s.Description), " "))
	}
	metric := s.Metric.Source + ": " + s.Metric.Name
	if len(s.Metric.Values) > 0 {
		metric += fmt.Sprintf(", values %v every %s", s.Metric.Values, s.Metric.Interval.Duration().Round(time.Millisecond))
	}
	field("metric", metric)
	field("expression", d.ExpressionPreview)
	var actions []string
	for _, a := range []struct {
		on   bool
		name string
	}{{s.Actions.Alarm, "alarm_actions"}, {s.Actions.OK, "ok_actions"}, {s.Actions.Undetermined, "undetermined_actions"}} {
		if a.on {
			actions = append(actions, a.name)
		}
	}
	field("actions", strings.Join(actions, ", "))
	field("period", fmt.Sprintf("%d (notification method)", s.Period))
	trigger := s.Trigger.Kind
	if s.Trigger.State != "" {
		trigger += " to " + s.Trigger.State
	}
	field("trigger", trigger)
	if s.Minimum > 0 {
		field("minimum", roundTiming(s.Minimum.Duration()).String()+" (the least a healthy deployment needs; a shorter --timeout cannot pass)")
	}
	if s.Receiver != (scenarios.Receiver{}) {
		var r []string
		if s.Receiver.FailFirst > 0 {
			r = append(r, "answers 500 to the first "+output.Count(s.Receiver.FailFirst, "delivery", "deliveries"))
		}
		if s.Receiver.RespondStatus != 0 {
			r = append(r, fmt.Sprintf("answers %d", s.Receiver.RespondStatus))
		}
		if s.Receiver.Delay > 0 {
			r = append(r, "holds each answer "+s.Receiver.Delay.String())
		}
		field("receiver", strings.Join(r, ", "))
	}
	timing := "real Monasca timings"
	if d.Speed > 1 {
		timing = fmt.Sprintf("timings of a --lab --speed %g run", d.Speed)
	}
	b.WriteString("\nexpected deliveries (" + timing + "), in order:\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	t := output.NewTable(w, "#", "TRANSITION", "COUNT", "WITHIN", "MESSAGE CONTAINS")
	for i, e := range s.Expect {
		old := e.OldState
		if old == "" {
			old = "any"
		}
		msg := e.MessageContains
		if msg == "" {
			msg = "-"
		}
		if err := t.Append(i+1, old+" -> "+e.State, e.Want(), e.Within.String(), msg); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nstage budgets (the first stage over its budget fails the run):")
	t = output.NewTable(w, "STAGE", "BUDGET", "SET BY")
	for _, sb := range d.StageBudgets {
		by := "scenario"
		if sb.Default {
			by = "default"
		}
		if err := t.Append(sb.Stage, sb.Budget.String(), by); err != nil {
			return err
		}
	}
	return t.Render()
}

// roundTiming keeps a scaled timing readable (583ms, not 583.333333ms).
func roundTiming(d time.Duration) time.Duration {
	if d >= 10*time.Millisecond {
		return d.Round(time.Millisecond)
	}
	return d
}
