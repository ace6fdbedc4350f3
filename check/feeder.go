package check

import (
	"context"
	"sync"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/openstack/monitoring/v2/metrics"
	"github.com/monhook/monhook/pause"
)

// feeder posts a synthetic metric the way an agent would: values[i] at
// i×interval from the start, then the last value, with the current time as
// timestamp (monasca-thresh ignores old or future measurements), until
// stopped.
type feeder struct {
	cancel context.CancelFunc
	done   chan struct{}
	first  chan error // the first post's result

	mu      sync.Mutex
	failed  int
	lastErr error
}

func startFeeder(c *gophercloud.ServiceClient, name string, dims map[string]string, values []float64, interval time.Duration) *feeder {
	ctx, cancel := context.WithCancel(context.Background())
	f := &feeder{cancel: cancel, done: make(chan struct{}), first: make(chan error, 1)}
	go f.loop(ctx, c, name, dims, values, interval)
	return f
}

func (f *feeder) loop(ctx context.Context, c *gophercloud.ServiceClient, name string, dims map[string]string, values []float64, interval time.Duration) {
	defer close(f.done)
	for i := 0; ; i++ {
		v := values[min(i, len(values)-1)]
		err := metrics.Create(ctx, c, metrics.CreateOpts{
			Name: name, Dimensions: dims, Timestamp: time.Now().UnixMilli(), Value: v,
		}).ExtractErr()
		if i == 0 {
			f.first <- err
		}
		if err != nil && ctx.Err() == nil {
			f.mu.Lock()
			f.failed++
			f.lastErr = err
			f.mu.Unlock()
		}
		if pause.For(ctx, interval) != nil {
			return
		}
	}
}

// awaitFirst returns the first post's error, or ctx's.
func (f *feeder) awaitFirst(ctx context.Context) error {
	select {
	case err := <-f.first:
		f.first <- err // keep it for later callers
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stop ends the posting and waits for the loop to exit.
func (f *feeder) stop() {
	f.cancel()
	<-f.done
}

func (f *feeder) errors() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed
}

func (f *feeder) lastError() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lastErr
}
