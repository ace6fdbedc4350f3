package cli

import (
	"context"
	"github.com/monhook/monhook/output"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/monhook/monhook/internal/lab/agents"
	"github.com/monhook/monhook/openstack"
	"github.com/monhook/monhook/openstack/monitoring/v2/metrics"
	"github.com/monhook/monhook/scenarios"
)

// completionTimeout bounds the Monasca query behind --hostname completion:
// a shell waiting on a Tab key must not hang.
const completionTimeout = 5 * time.Second

// registerCompletions teaches `monhook completion` the values of flags:
// -o, --os-cloud (clouds.yaml), --scenario (built-ins; files too),
// --hostname (the lab's hosts, or the hosts reporting the scenario's metric
// to Monasca), and the enumerations of send and listen.
func registerCompletions(root *cobra.Command, f *Factory) {
	fixed := func(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return values, cobra.ShellCompDirectiveNoFileComp
		}
	}
	_ = root.RegisterFlagCompletionFunc("output", fixed(output.Formats...))
	_ = root.RegisterFlagCompletionFunc("os-cloud", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return openstack.CloudNames(), cobra.ShellCompDirectiveNoFileComp
	})
	_ = root.RegisterFlagCompletionFunc("os-interface", fixed("public", "internal", "admin"))
	for _, c := range root.Commands() {
		switch c.Name() {
		case "check":
			_ = c.RegisterFlagCompletionFunc("scenario", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				var out []string
				for _, s := range scenarios.Builtins() {
					out = append(out, s.Name+"\t"+s.Proves)
				}
				return out, cobra.ShellCompDirectiveNoFileComp
			})
			_ = c.RegisterFlagCompletionFunc("hostname", func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
				return completeHostnames(cmd, f), cobra.ShellCompDirectiveNoFileComp
			})
		case "send":
			_ = c.RegisterFlagCompletionFunc("state", fixed(webhookStates...))
			_ = c.RegisterFlagCompletionFunc("old-state", fixed(webhookStates...))
			_ = c.RegisterFlagCompletionFunc("origin", fixed("thresh\tthe threshold engine", "api\ta state change through the API"))
		case "listen":
			_ = c.RegisterFlagCompletionFunc("attach-on", fixed("alarm", "ok", "undetermined"))
		}
	}
}

// completeHostnames lists the --lab hosts without starting a lab, or asks
// Monasca which hosts report cpu.idle_perc (the agent scenarios' metric).
// Any failure completes nothing.
func completeHostnames(cmd *cobra.Command, f *Factory) []string {
	if lab, _ := cmd.Flags().GetBool("lab"); lab {
		n, _ := cmd.Flags().GetInt("lab-hosts")
		return agents.New(agents.Options{Hosts: n}).Hostnames()
	}
	ctx, cancel := context.WithTimeout(context.Background(), completionTimeout)
	defer cancel()
	s, err := f.Session(ctx)
	if err != nil {
		return nil
	}
	pages, err := metrics.List(s.Monitoring, metrics.ListOpts{Name: "cpu.idle_perc"}).AllPages(ctx)
	if err != nil {
		return nil
	}
	ms, err := metrics.ExtractMetrics(pages)
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var hosts []string
	for _, m := range ms {
		if h := m.Dimensions["hostname"]; h != "" && !seen[h] {
			seen[h] = true
			hosts = append(hosts, h)
		}
	}
	sort.Strings(hosts)
	return hosts
}
