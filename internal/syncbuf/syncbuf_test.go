package syncbuf_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/monhook/monhook/internal/syncbuf"
)

// Writers and a reader at once (run with -race): every write lands whole.
func TestBufferTakesConcurrentWritesWhileRead(t *testing.T) {
	var b syncbuf.Buffer
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				fmt.Fprintf(&b, "w%d-%d\n", w, i)
			}
		}()
	}
	for range 50 {
		_ = b.String()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 400 {
		t.Fatalf("%d lines, want 400", len(lines))
	}
	seen := map[string]bool{}
	for _, l := range lines {
		seen[l] = true
	}
	if len(seen) != 400 || !seen["w3-99"] {
		t.Errorf("%d distinct lines, want 400 whole ones", len(seen))
	}
}
