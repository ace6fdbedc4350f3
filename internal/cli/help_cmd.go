package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// newCmdHelp replaces cobra's help command, which prints the whole usage
// and exits 0 for a topic it does not know (so a typo in a script goes
// unnoticed) and whose completion leaves out the help-only topics such as
// `environment`.
func newCmdHelp() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command or topic",
		Long:  "Help provides help for any command or topic (such as environment).",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			parent, _, err := c.Root().Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []cobra.Completion
			for _, sub := range parent.Commands() {
				if !sub.IsAvailableCommand() && !sub.IsAdditionalHelpTopicCommand() && sub != c {
					continue
				}
				if strings.HasPrefix(sub.Name(), toComplete) {
					out = append(out, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || target == nil || len(rest) > 0 {
				topic := strings.Join(args, " ")
				msg := fmt.Sprintf("unknown help topic %q", topic)
				var names []string
				parent := c.Root()
				if target != nil && err == nil {
					parent = target
				}
				for _, sub := range parent.Commands() {
					if sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand() {
						names = append(names, sub.Name())
					}
				}
				if s := suggestions(args[len(args)-1], names); len(s) > 0 {
					msg += fmt.Sprintf(". Did you mean %q?", s[0])
				}
				return usageErrorf("%s (topics: %s)", msg, strings.Join(names, ", "))
			}
			target.InitDefaultHelpFlag()
			target.InitDefaultVersionFlag()
			return target.Help()
		},
	}
}
