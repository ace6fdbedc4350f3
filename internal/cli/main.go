package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/monhook/monhook/exitcode"
	"github.com/monhook/monhook/output"
)

// Main is the process entry point: it turns SIGINT/SIGTERM into context
// cancellation (so teardown still runs) and returns the exit code. A second
// signal exits at once.
func Main() int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	streams := System()
	go func() {
		sig, ok := <-sigs
		if !ok {
			return
		}
		fmt.Fprintf(streams.ErrOut, "\nmonhook: %s received, cleaning up (press Ctrl-C again to exit at once)\n", sig)
		cancel(errInterrupted)
		if _, ok := <-sigs; ok {
			fmt.Fprintln(streams.ErrOut, "monhook: second signal, exiting without cleanup; run `monhook cleanup` later")
			os.Exit(exitcode.Of(exitcode.Interrupted))
		}
	}()
	return Run(ctx, streams, os.Args[1:])
}

// Run executes one command line with the given streams and returns its exit
// code. Errors are printed once, here.
func Run(ctx context.Context, streams *IOStreams, args []string) int {
	f := NewFactory(streams, Version())
	root := NewCmdRoot(f)
	root.SetArgs(args)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	_, err := root.ExecuteContextC(ctx)
	err = usageOnUnknownCommand(err)
	code := exitCode(ctx, err)
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
