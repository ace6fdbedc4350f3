// Package cli is monhook's command tree: one file per command, each with an
// options struct, a NewCmdXxx constructor taking an optional run func (so
// tests can capture parsed options) and an xxxRun function doing the work.
// Options hold only what their command uses, as funcs read at run time
// (Session, Output, Debug), never the whole Factory; data goes through
// package output, exit statuses through package exitcode.
package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/monhook/monhook/exitcode"
	"github.com/monhook/monhook/output"
)

// NewCmdRoot builds the command tree around f, binding the global flags
// into f.Global (made by NewFactory).
func NewCmdRoot(f *Factory) *cobra.Command {
	g := f.Global
	if g == nil {
		panic("cli: NewCmdRoot needs a Factory from NewFactory")
	}

	cmd := &cobra.Command{
		Use:   "monhook",
		Short: "Prove that OpenStack Monasca delivers alarm notifications to a webhook",
		Long: `monhook provisions a WEBHOOK notification method and a deliberately noisy alarm
definition through the Monasca API, triggers the alarm, receives the notification on
an embedded HTTP receiver, reports every stage with timings, and removes everything
it created. With --type email the method is an EMAIL one and the mail is read back
over IMAP.` + "\n" + exitcode.Help,
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
			if err := checkConfigKeys(cmd.Root(), v); err != nil {
				return err
			}
			if err := applyConfig(cmd, v); err != nil {
				return err
			}
			warnCloudFlagsUnused(f.IO, cmd)
			if err := output.CheckFormat(g.Output); err != nil {
				if fl := cmd.Flags().Lookup("output"); fl != nil && !fl.Changed {
					// Not on the command line: say where it came from.
					return usageErrorf("%v (set by %s or the config file's output key)", err, envName("output"))
				}
				return usageErrorf("%v", err)
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
	pf.StringVarP(&g.Output, "output", "o", output.Table, "output format: table, json or yaml")
	pf.StringVar(&g.ConfigFile, "config", "", "config file (default ~/.config/monhook/config.yaml)")
	pf.BoolVar(&g.Debug, "debug", false, "log HTTP requests and responses to stderr, secrets redacted")

	cmd.AddCommand(
		NewCmdCheck(f, nil),
		NewCmdScenarios(f, nil),
		NewCmdCleanup(f, nil),
		NewCmdVersion(f, nil),
		NewCmdListen(f, nil),
		NewCmdLab(f, nil),
		NewCmdServe(f, nil),
		NewCmdSend(f, nil),
	)
	cmd.AddCommand(newCmdEnvironment(cmd))
	// These never talk to a cloud: their help leaves the OpenStack flags
	// out, and giving one is warned about.
	for _, sub := range cmd.Commands() {
		switch sub.Name() {
		case "scenarios", "version", "send":
			if sub.Annotations == nil {
				sub.Annotations = map[string]string{}
			}
			sub.Annotations[annotationNoCloud] = "true"
		}
	}
	cmd.SetHelpCommand(newCmdHelp())
	installHelpLayout(cmd)
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
