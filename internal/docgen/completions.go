package main

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

// writeCompletions writes the scripts `monhook completion SHELL` prints,
// under the names the shells' completion directories expect.
func writeCompletions(root *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, gen := range map[string]func(string) error{
		"monhook.bash": func(p string) error { return root.GenBashCompletionFileV2(p, true) },
		"_monhook":     root.GenZshCompletionFile,
		"monhook.fish": func(p string) error { return root.GenFishCompletionFile(p, true) },
	} {
		if err := gen(filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}
