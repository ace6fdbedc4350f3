// Command monhook proves that OpenStack Monasca delivers alarm notifications
// to a webhook. See `monhook --help`.
package main

import (
	"os"

	"github.com/monhook/monhook/internal/cli"
)

func main() { os.Exit(cli.Main()) }
