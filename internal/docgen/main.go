// Command docgen writes monhook's man pages (cobra's doc package) and its
// bash, zsh and fish completion scripts from the command tree itself, for
// `make man` and the release archives of `make dist`:
//
//	go run ./internal/docgen -man dist/man -completions dist/completions -date 2026-12-07T03:00:00Z
//
// -date is the commit's time: with it the pages carry no build time, so
// one commit always gives the same archives.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/monhook/monhook/internal/cli"
)

func main() {
	manDir := flag.String("man", "", "write section-1 man pages into `DIR`/man1")
	complDir := flag.String("completions", "", "write monhook.bash, _monhook (zsh) and monhook.fish into `DIR`")
	date := flag.String("date", "", "the date the man pages show (RFC 3339; default: now)")
	flag.Parse()
	if flag.NArg() > 0 || (*manDir == "" && *complDir == "") {
		fmt.Fprintln(os.Stderr, "usage: docgen [-man DIR] [-completions DIR] [-date RFC3339]")
		os.Exit(2)
	}
	when := time.Now().UTC()
	if *date != "" {
		t, err := time.Parse(time.RFC3339, *date)
		if err != nil {
			fmt.Fprintf(os.Stderr, "docgen: -date: %v\n", err)
			os.Exit(2)
		}
		when = t.UTC()
	}
	if err := run(*manDir, *complDir, when); err != nil {
		fmt.Fprintf(os.Stderr, "docgen: %v\n", err)
		os.Exit(1)
	}
}

func run(manDir, complDir string, when time.Time) error {
	if manDir != "" {
		if err := writeMan(cli.CommandTree(), manDir, when); err != nil {
			return err
		}
	}
	if complDir != "" {
		if err := writeCompletions(cli.CommandTree(), complDir); err != nil {
			return err
		}
	}
	return nil
}
