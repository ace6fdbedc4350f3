package pause_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/monhook/monhook/pause"
)

func TestForWaitsTheWholeDurationUnlessTheContextEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		if err := pause.For(context.Background(), time.Minute); err != nil || time.Since(start) != time.Minute {
			t.Errorf("For(1m) = %v after %v, want nil after 1m", err, time.Since(start))
		}

		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start = time.Now()
		if err := pause.For(ctx, time.Hour); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 10*time.Second {
			t.Errorf("For(1h) with a 10s deadline = %v after %v, want the deadline after 10s", err, time.Since(start))
		}

		start = time.Now()
		if err := pause.For(context.Background(), 0); err != nil || time.Since(start) != 0 {
			t.Errorf("For(0) = %v after %v, want nil at once", err, time.Since(start))
		}
		if err := pause.For(ctx, 0); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("For(0) on an ended context = %v, want its error", err)
		}
	})
}
