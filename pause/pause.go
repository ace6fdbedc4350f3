// Package pause is the one wait a context can cut short, for everything in
// monhook that waits between attempts: the Monasca client's retries
// (package openstack), the webhook sender's retries and repeats (package
// webhook), the check's metric feeder and alarm polling (package check).
// The standard library has only time.Sleep, which a cancelled run would
// sit out.
package pause

import (
	"context"
	"time"
)

// For waits d, or less when ctx ends first, and then returns ctx's error:
// nil when the whole wait passed. d <= 0 does not wait.
func For(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
