package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/monhook/monhook/output"
	"github.com/monhook/monhook/webhook"
)

// warnf tells the operator, on stderr, about an option that does nothing
// in this combination: silently ignoring it would let them believe it
// took effect.
func warnf(io *IOStreams, format string, args ...any) {
	fmt.Fprintf(io.ErrOut, "monhook: warning: "+format+"\n", args...)
}

// givenFlags returns which of names were set on the command line or by
// config/environment (applyConfig sets values without marking them
// changed, so a non-default value counts too).
func givenFlags(cmd *cobra.Command, names ...string) []string {
	var out []string
	for _, n := range names {
		fl := cmd.Flags().Lookup(n)
		if fl == nil {
			continue
		}
		if fl.Changed || fl.Value.String() != fl.DefValue {
			out = append(out, "--"+n)
		}
	}
	return out
}

// warnIneffective warns about send options that do nothing with the
// others, and about a body Monasca never sends.
func (o *sendOptions) warnIneffective(cmd *cobra.Command) {
	if o.Repeat == 1 && len(givenFlags(cmd, "every")) > 0 {
		warnf(o.IO, "--every has no effect without --repeat")
	}
	if o.Retries == 0 && len(givenFlags(cmd, "retry-interval")) > 0 {
		warnf(o.IO, "--retry-interval has no effect without --retries")
	}
	if v, ok := cmd.Flags().Lookup("value"), cmd.Flags().Lookup("threshold"); v != nil && ok != nil && v.Changed && !cmd.Flags().Changed("message") && o.Body.Origin != webhook.FromAPI {
		value, _ := strconv.ParseFloat(v.Value.String(), 64)
		threshold, _ := strconv.ParseFloat(ok.Value.String(), 64)
		breached := value < threshold // the default message's avg(...) < --threshold
		if (o.Body.State == "OK" && breached) || (o.Body.State == "ALARM" && !breached) {
			warnf(o.IO, "--value %g with --threshold %g contradicts --state %s in the default message: monasca-thresh reports values on the side of the threshold the state means", value, threshold, o.Body.State)
		}
	}
	if o.Body.State == o.Body.OldState {
		warnf(o.IO, "--state and --old-state are both %s: Monasca notifies only when an alarm changes state", o.Body.State)
	}
}

// warnLabFlagsWithoutLab names the --lab-* flags given to check or serve
// without --lab: a fault asked for (--lab-no-notifier) must not seem to
// have been produced.
func warnLabFlagsWithoutLab(io *IOStreams, cmd *cobra.Command) {
	given := givenFlags(cmd, "lab-hosts", "lab-agents-project", "lab-definition-delay", "lab-agent-clock-skew", "lab-no-notifier")
	switch len(given) {
	case 0:
	case 1:
		warnf(io, "%s has no effect without --lab", given[0])
	default:
		warnf(io, "%s have no effect without --lab", strings.Join(given, ", "))
	}
}

// warnIneffective warns about check options the chosen mode ignores.
func (o *checkOptions) warnIneffective(cmd *cobra.Command) {
	if !o.Lab {
		warnLabFlagsWithoutLab(o.IO, cmd)
		return
	}
	// --lab builds its own credentials and endpoint: the cloud flags are
	// not consulted.
	if given := givenFlags(cmd, "os-cloud", "os-auth-url", "os-region-name", "os-interface", "os-cacert", "insecure", "monasca-api-url"); len(given) > 0 {
		warnf(o.IO, "%s ignored with --lab: the check runs against the built-in lab, not a cloud", strings.Join(given, ", "))
	}
}

// warnOutputIgnored warns when -o was typed for a command whose stdout
// has no json/yaml form (why says what it prints instead). Only the
// command line counts: an output key in the config file or environment is
// a default for every command, not a request to this one.
func warnOutputIgnored(io *IOStreams, cmd *cobra.Command, format, why string) {
	if fl := cmd.Flags().Lookup("output"); fl != nil && fl.Changed && format != output.Table {
		warnf(io, "-o %s has no effect on %s: %s", format, cmd.Name(), why)
	}
}
