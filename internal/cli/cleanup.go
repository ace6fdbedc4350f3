package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/spf13/cobra"

	"github.com/monhook/monhook/check"
	"github.com/monhook/monhook/exitcode"
	"github.com/monhook/monhook/marker"
	"github.com/monhook/monhook/openstack"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
	"github.com/monhook/monhook/output"
)

type cleanupOptions struct {
	IO      *IOStreams
	Session func(context.Context) (*openstack.Session, error)
	Now     func() time.Time
	Output  func() string

	DryRun    bool
	OlderThan time.Duration
	RunID     string
	Timeout   time.Duration
	Mailbox   cleanupMailbox
}

// NewCmdCleanup builds `monhook cleanup`.
func NewCmdCleanup(f *Factory, runF func(context.Context, *cleanupOptions) error) *cobra.Command {
	o := &cleanupOptions{IO: f.IO, Session: f.Session, Now: f.Now, Output: f.Output}
	cmd := &cobra.Command{
		Use:   "cleanup",
		Short: "Delete leftovers of earlier checks (only resources carrying monhook's marker)",
		Long: `Lists or deletes the alarm definitions and notification methods that an earlier
check left behind (after a crash or kill -9). A resource is monhook's only when it
carries monhook's marker: an alarm definition needs it in both name and description,
a notification method in its name (methods have no description). Nothing else is
ever touched. With --imap, the mail of check --type email in that mailbox is a
leftover too: only mail whose subject names a monhook run's alarm definition.
Exit 4 if something could not be deleted.`,
		Example: `  monhook cleanup --dry-run
  monhook cleanup --older-than 1h
  monhook cleanup --run-id k3x9q2ab
  monhook cleanup --older-than 1h --imap imaps://canary%40example.org@imap.example.org/INBOX`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.OlderThan < 0 {
				return usageErrorf("--older-than must not be negative")
			}
			if o.Timeout <= 0 {
				return usageErrorf("--timeout must be positive, got %s", o.Timeout)
			}
			if o.RunID != "" && len(o.RunID) != marker.RunIDLength {
				return usageErrorf("--run-id %q is not a monhook run id (%d characters)", o.RunID, marker.RunIDLength)
			}
			if err := o.Mailbox.validate(o.IO); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return cleanupRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.DryRun, "dry-run", false, "list what would be deleted, delete nothing")
	fl.DurationVar(&o.OlderThan, "older-than", 0, "only resources created at least this long ago, the boundary included (e.g. 1h)")
	fl.StringVar(&o.RunID, "run-id", "", "only the resources of this run")
	fl.DurationVar(&o.Timeout, "timeout", 2*time.Minute, "overall deadline")
	fl.StringVar(&o.Mailbox.IMAP, "imap", "", "also the mail of check --type email in this mailbox, imaps://USER@HOST/INBOX (password: $"+EnvIMAPPassword+" or a prompt)")
	return cmd
}

// leftover is one resource found by cleanup.
type leftover struct {
	Kind    string    `json:"kind" yaml:"kind"`
	ID      string    `json:"id" yaml:"id"`
	Name    string    `json:"name" yaml:"name"`
	RunID   string    `json:"run_id" yaml:"run_id"`
	Created time.Time `json:"created" yaml:"created"`
	Deleted bool      `json:"deleted" yaml:"deleted"`
	Error   string    `json:"error,omitempty" yaml:"error,omitempty"`
}

func cleanupRun(ctx context.Context, o *cleanupOptions) error {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	s, err := o.Session(ctx)
	if err != nil {
		return o.timedOut(ctx, "logging in", err)
	}
	found, err := findLeftovers(ctx, s.Monitoring, o, o.Now())
	if err != nil {
		return cannotRun(o.timedOut(ctx, "listing leftovers", err))
	}
	mails, err := o.Mailbox.find(ctx, o, o.Now())
	defer o.Mailbox.close()
	if err != nil {
		return cannotRun(o.timedOut(ctx, "listing leftover mail", err))
	}
	if !o.DryRun && len(found) > 0 {
		// Without the write role every delete would fail alike: ask once,
		// and explain it as check does.
		if err := notificationmethods.ProbeCreate(ctx, s.Monitoring).ExtractErr(); err != nil {
			msg, hints, ok := check.DescribeAPIError(err, "checking the write role")
			if !ok {
				return cannotRun(err)
			}
			for i := range found {
				found[i].Error = "not attempted: no write access"
			}
			if err := writeLeftovers(o, found); err != nil {
				return err
			}
			for _, h := range hints {
				fmt.Fprintln(o.IO.ErrOut, output.WrapText(o.IO.ErrOut, "hint: "+h, 2))
			}
			return cannotRun(errors.New(msg))
		}
	}
	found = append(found, mails...)
	failures := 0
	if !o.DryRun {
		// Definitions first: deleting a method silently strips it from
		// definitions, and a definition's alarms go with it.
		for i := range found {
			l := &found[i]
			if l.Kind == kindMail {
				if err := o.Mailbox.delete(ctx, *l); err != nil {
					l.Error = err.Error()
					failures++
					continue
				}
				l.Deleted = true
				continue
			}
			if err := marker.Delete(ctx, s.Monitoring, l.Kind, l.ID); err != nil {
				l.Error = err.Error()
				if msg, _, ok := check.DescribeAPIError(err, "DELETE"); ok {
					l.Error = msg
				}
				failures++
				continue
			}
			l.Deleted = true
		}
	}
	if err := writeLeftovers(o, found); err != nil {
		return err
	}
	if failures > 0 {
		if errors.Is(context.Cause(ctx), errInterrupted) {
			// Stopped on request: the rest was there before cleanup ran
			// and is still listed above; nothing was left by this command.
			return &ExitError{Code: exitcode.Of(exitcode.Interrupted), Err: fmt.Errorf("interrupted: %d of %d resources not deleted", failures, len(found))}
		}
		return &ExitError{Code: exitcode.Compute(exitcode.CannotRun, true), Err: fmt.Errorf("%d of %d resources could not be deleted", failures, len(found))}
	}
	if len(found) == 0 {
		fmt.Fprintln(o.IO.ErrOut, "no monhook leftovers found"+o.filterText())
	}
	return nil
}

// timedOut says that --timeout ran out, and while doing what, instead of
// the HTTP client's bare "context deadline exceeded".
func (o *cleanupOptions) timedOut(ctx context.Context, doing string, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return cannotRun(fmt.Errorf("--timeout %s ran out while %s: %w", o.Timeout, doing, err))
	}
	return err
}

// filterText names the filters that narrowed the search, so "none found"
// is not read as "the project is clean" when only newer ones were skipped.
func (o *cleanupOptions) filterText() string {
	var parts []string
	if o.RunID != "" {
		parts = append(parts, "of run "+o.RunID)
	}
	if o.OlderThan > 0 {
		parts = append(parts, "older than "+o.OlderThan.String())
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, " ")
}

// findLeftovers lists the resources carrying monhook's marker that match
// the filters, definitions first (marker.Find).
func findLeftovers(ctx context.Context, c *gophercloud.ServiceClient, o *cleanupOptions, now time.Time) ([]leftover, error) {
	found, err := marker.Find(ctx, c, marker.Filter{RunID: o.RunID, OlderThan: o.OlderThan, Now: now})
	if err != nil {
		return nil, err
	}
	var out []leftover
	for _, r := range found {
		out = append(out, leftover{Kind: r.Kind, ID: r.ID, Name: r.Name, RunID: r.RunID, Created: r.Created})
	}
	return out, nil
}

// cleanupSchemaVersion is the version of cleanup's -o json|yaml layout,
// versioned like check's report so a consumer can tell a change.
const cleanupSchemaVersion = 1

// cleanupDocument is `monhook cleanup -o json|yaml`: what was found (and,
// without --dry-run, deleted or not).
type cleanupDocument struct {
	SchemaVersion int        `json:"schema_version" yaml:"schema_version"`
	Resources     []leftover `json:"resources" yaml:"resources"`
}

func writeLeftovers(o *cleanupOptions, found []leftover) error {
	if found == nil {
		found = []leftover{}
	}
	doc := cleanupDocument{SchemaVersion: cleanupSchemaVersion, Resources: found}
	return output.Print(o.IO.Out, o.Output(), doc, func(w io.Writer) error {
		if len(found) == 0 {
			return nil
		}
		// The run id and creation time are in the name (and in -o json).
		t := output.NewTable(w, "KIND", "NAME", "ID", "RESULT")
		for _, l := range found {
			result := "deleted"
			switch {
			case o.DryRun:
				result = "would delete"
			case l.Error != "":
				result = "FAILED: " + l.Error
			}
			if err := t.Append(l.Kind, l.Name, l.ID, result); err != nil {
				return err
			}
		}
		return t.Render()
	})
}
