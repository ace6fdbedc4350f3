package cli

import "github.com/spf13/cobra"

// CommandTree returns the command tree as the binary runs it, cobra's
// `completion` command included (cobra adds it only at Execute), with
// streams that go nowhere. internal/docgen renders man pages and shell
// completion scripts from it, so they describe exactly what ships.
func CommandTree() *cobra.Command {
	streams, _, _ := TestStreams()
	f := NewFactory(streams, Version())
	root := NewCmdRoot(f)
	root.InitDefaultCompletionCmd()
	return root
}
