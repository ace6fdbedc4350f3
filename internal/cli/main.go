package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/monhook/monhook/exitcode"
	"github.com/monhook/monhook/output"
)

// Main is the process entry point: SIGINT and SIGTERM become context
// cancellation (so teardown still runs), signals within SignalWindow of
// each other count as one, a later second one cuts teardown short (the
// report lists what was left), a third exits at once. It returns the exit
// code.
func Main() int {
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	streams := System()
	return RunSignals(context.Background(), streams, os.Args[1:], sigs, defaultSignalPolicy(streams.ErrOut))
}

// RunSignals is Run with interruptions read from sigs under policy p.
func RunSignals(ctx context.Context, streams *IOStreams, args []string, sigs <-chan os.Signal, p signalPolicy) int {
	ctx, abandon, stop := watchSignals(ctx, sigs, p)
	defer stop()
	f := NewFactory(streams, Version())
	f.Abandon = abandon
	return execute(ctx, f, NewCmdRoot(f), args)
}

// Run executes one command line with the given streams and returns its exit
// code. Errors are printed once, here.
func Run(ctx context.Context, streams *IOStreams, args []string) int {
	f := NewFactory(streams, Version())
	return execute(ctx, f, NewCmdRoot(f), args)
}

// execute runs root with args and turns the outcome into the exit code.
func execute(ctx context.Context, f *Factory, root *cobra.Command, args []string) int {
	streams := f.IO
	root.SetArgs(args)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	_, err := root.ExecuteContextC(ctx)
	err = usageOnUnknownCommand(err)
	code := exitCode(ctx, err)
	if code == exitcode.Of(exitcode.Interrupted) && errors.Is(err, context.Canceled) {
		// A call cut off by the signal says "context canceled": say what
		// happened instead.
		err = fmt.Errorf("interrupted: %w", context.Cause(ctx))
	}
	if err != nil {
		var ee *ExitError
		if !(errors.As(err, &ee) && ee.Silent) {
			printError(streams, f.Output(), err, code)
		}
	}
	return code
}

// printError writes the error to stderr: a line of text, or a JSON object
// under -o json so that machine consumers can parse it.
func printError(streams *IOStreams, format string, err error, code int) {
	if format == output.JSON {
		_ = json.NewEncoder(streams.ErrOut).Encode(map[string]any{"error": err.Error(), "exit_code": code})
		return
	}
	fmt.Fprintf(streams.ErrOut, "monhook: %v\n", err)
}
