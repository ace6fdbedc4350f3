package main

import (
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// writeMan writes one page per command (monhook.1, monhook-check.1, ...)
// into dir/man1, the layout MANPATH expects.
func writeMan(root *cobra.Command, dir string, when time.Time) error {
	root.DisableAutoGenTag = true // the footer would carry the build time
	man1 := filepath.Join(dir, "man1")
	if err := os.MkdirAll(man1, 0o755); err != nil {
		return err
	}
	header := &doc.GenManHeader{Title: "MONHOOK", Section: "1", Source: "monhook " + root.Version, Manual: "monhook manual", Date: &when}
	return doc.GenManTree(root, header, man1)
}
