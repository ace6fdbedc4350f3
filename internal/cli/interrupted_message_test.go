package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/monhook/monhook/exitcode"
)

// A call cut off by SIGINT fails with "context canceled"; the operator is
// told the run was interrupted, and why, with exit 130.
func TestAnInterruptedCommandSaysInterruptedNotContextCanceled(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errInterrupted)
	streams, _, errOut := TestStreams()
	f := NewFactory(streams, "test")
	root := &cobra.Command{Use: "monhook", SilenceErrors: true, SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cannotRun(fmt.Errorf("listing alarms: %w", cmd.Context().Err()))
		}}
	code := execute(ctx, f, root, nil)
	if code != exitcode.Of(exitcode.Interrupted) {
		t.Fatalf("exit %d, want 130", code)
	}
	if got := errOut.String(); strings.Contains(got, "context canceled") || !strings.Contains(got, "interrupted: SIGINT or SIGTERM received") {
		t.Errorf("stderr %q, want interrupted and the signal, not context canceled", got)
	}
}
