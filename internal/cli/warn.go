package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

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

// One rule for every flag that does not apply (README "Flags that do not
// apply"):
//
//   - A flag that needs another one, given on the command line without
//     it, is refused (exit 2): the operator asked for something that would
//     not happen (--lab-hosts without --lab would run against the OS_*
//     cloud, --fsync without --save would sync nothing). needFlag.
//   - The same flag set by the config file or the environment is warned
//     about: those are defaults for every run, not a request to this one.
//   - A flag that the chosen mode overrides or has no use for (--os-cloud
//     with --lab, --hostname with a synthetic scenario, cloud flags on a
//     command that talks to no cloud) is warned about, and the run goes on.

// needFlag refuses the flags among names (without "--") given on the
// command line while need is absent, and warns about those set only by the
// config file or the environment.
func needFlag(io *IOStreams, cmd *cobra.Command, need string, names ...string) error {
	var typed, configured []string
	for _, n := range names {
		fl := cmd.Flags().Lookup(n)
		switch {
		case fl == nil:
		case fl.Changed:
			typed = append(typed, "--"+n)
		case fl.Value.String() != fl.DefValue:
			configured = append(configured, "--"+n)
		}
	}
	if len(configured) > 0 {
		warnf(io, "%s (from the config file or environment) %s no effect without %s", strings.Join(configured, ", "), hasHave(len(configured)), need)
	}
	if len(typed) > 0 {
		return usageErrorf("%s %s %s", strings.Join(typed, ", "), needsNeed(len(typed)), need)
	}
	return nil
}

func hasHave(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}

func needsNeed(n int) string {
	if n == 1 {
		return "needs"
	}
	return "need"
}

// labFlags are cmd's --lab-* flags (those of check and serve that shape
// the in-process lab), however many are added later.
func labFlags(cmd *cobra.Command) []string {
	var names []string
	cmd.Flags().VisitAll(func(fl *pflag.Flag) {
		if strings.HasPrefix(fl.Name, "lab-") {
			names = append(names, fl.Name)
		}
	})
	return names
}

// checkIneffective applies the rule to send's options, and warns about a
// body Monasca never sends.
func (o *sendOptions) checkIneffective(cmd *cobra.Command) error {
	if o.Repeat == 1 {
		if err := needFlag(o.IO, cmd, "--repeat", "every"); err != nil {
			return err
		}
	}
	if o.Retries == 0 {
		if err := needFlag(o.IO, cmd, "--retries", "retry-interval"); err != nil {
			return err
		}
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
	return nil
}

// labFlagsNeedLab refuses --lab-* flags given to check or serve without
// --lab: without it the run goes to the OS_* cloud, and a fault asked for
// (--lab-no-notifier) must not seem to have been produced.
func labFlagsNeedLab(io *IOStreams, cmd *cobra.Command) error {
	return needFlag(io, cmd, "--lab", labFlags(cmd)...)
}

// checkIneffective applies the rule to check's options.
func (o *checkOptions) checkIneffective(cmd *cobra.Command) error {
	if !o.Lab {
		return labFlagsNeedLab(o.IO, cmd)
	}
	// --lab builds its own credentials and endpoint: no cloud flag is
	// consulted.
	if cloud := givenFlags(cmd, openStackFlagNames(cmd)...); len(cloud) > 0 {
		warnf(o.IO, "%s ignored with --lab: the check runs against the built-in lab, not a cloud", strings.Join(cloud, ", "))
	}
	return nil
}

// openStackFlagNames are the OpenStack flags cmd has, in flag order.
func openStackFlagNames(cmd *cobra.Command) []string {
	var names []string
	cmd.Flags().VisitAll(func(fl *pflag.Flag) {
		if isOpenStackFlag(fl.Name) {
			names = append(names, fl.Name)
		}
	})
	return names
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
