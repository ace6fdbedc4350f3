// Package cli is monhook's command tree: one file per command, each with an
// options struct, a NewCmdXxx constructor taking an optional run func (so
// tests can capture parsed options) and an xxxRun function doing the work.
package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// outputFormats are the accepted values of -o/--output.
var outputFormats = []string{"table", "json", "yaml"}

// NewCmdRoot builds the command tree around f. Global flags land in f.Global.
func NewCmdRoot(f *Factory) *cobra.Command {
	g := &GlobalOptions{}
	f.Global = g

	cmd := &cobra.Command{
		Use:   "monhook",
		Short: "Prove that OpenStack Monasca delivers alarm notifications to a webhook",
		Long: `monhook provisions a WEBHOOK notification method and a deliberately noisy alarm
definition through the Monasca API, triggers the alarm, receives the notification on
an embedded HTTP receiver, reports every stage with timings, and removes everything
it created.` + "\n" + exitCodesHelp,
		Example: `  monhook check --lab                      # against the built-in Monasca lab
  monhook check --os-cloud prod            # against a real cloud (clouds.yaml)
  monhook check -o json --junit report.xml --timeout 10m
  monhook listen --save deliveries.jsonl
  monhook cleanup --dry-run`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       f.Version,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			v, err := loadConfig(g.ConfigFile)
			if err != nil {
				return err
			}
			if err := applyConfig(cmd, v); err != nil {
				return err
			}
			if !slices.Contains(outputFormats, g.Output) {
				return usageErrorf("invalid value %q for -o/--output: want one of %s", g.Output, strings.Join(outputFormats, ", "))
			}
			return nil
		},
	}
	cmd.SetVersionTemplate("monhook {{.Version}}\n")
	cmd.SetFlagErrorFunc(flagError)

	pf := cmd.PersistentFlags()
	pf.StringVar(&g.Cloud, "os-cloud", "", "cloud name in clouds.yaml (env OS_CLOUD)")
	pf.StringVar(&g.AuthURL, "os-auth-url", "", "Keystone URL (env OS_AUTH_URL)")
	pf.StringVar(&g.Username, "os-username", "", "user name (env OS_USERNAME)")
	pf.StringVar(&g.Password, "os-password", "", "password (env OS_PASSWORD; asked on a terminal when a user has none)")
	pf.StringVar(&g.ProjectName, "os-project-name", "", "project to scope to (env OS_PROJECT_NAME)")
	pf.StringVar(&g.UserDomainName, "os-user-domain-name", "", "the user's domain (env OS_USER_DOMAIN_NAME)")
	pf.StringVar(&g.ProjectDomainName, "os-project-domain-name", "", "the project's domain (env OS_PROJECT_DOMAIN_NAME)")
	pf.StringVar(&g.RegionName, "os-region-name", "", "region of the monitoring endpoint (env OS_REGION_NAME)")
	pf.StringVar(&g.Interface, "os-interface", "", "endpoint interface: public, internal or admin (env OS_INTERFACE)")
	pf.StringVar(&g.CACert, "os-cacert", "", "CA bundle for TLS verification (env OS_CACERT)")
	pf.BoolVar(&g.Insecure, "insecure", false, "skip TLS verification of Keystone and Monasca (env OS_INSECURE)")
	pf.StringVar(&g.MonascaAPIURL, "monasca-api-url", "", "Monasca API URL; skips the service catalog (env MONASCA_API_URL)")
	pf.StringVarP(&g.Output, "output", "o", "table", "output format: table, json or yaml")
	pf.StringVar(&g.ConfigFile, "config", "", "config file (default ~/.config/monhook/config.yaml)")
	pf.BoolVar(&g.Debug, "debug", false, "log HTTP requests and responses to stderr, secrets redacted")

	cmd.AddCommand(
		NewCmdCheck(f, nil),
		NewCmdScenarios(f, nil),
		NewCmdCleanup(f, nil),
		NewCmdVersion(f, nil),
		NewCmdListen(f, nil),
		NewCmdLab(f, nil),
		NewCmdSend(f, nil),
	)
	cmd.AddCommand(newCmdEnvironment(cmd))
	registerCompletions(cmd, f)
	return cmd
}

// noArgs is cobra.NoArgs with a usage exit code.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}

// usageOnUnknownCommand turns cobra's untyped "unknown command" error into a
// usage error; cobra offers no error type for it.
func usageOnUnknownCommand(err error) error {
	if err != nil && strings.HasPrefix(err.Error(), "unknown command ") {
		return usageErrorf("%v", err)
	}
	return err
}
