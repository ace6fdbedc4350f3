//go:build !race

package receiver

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/monhook/monhook/receiver/jsonl"
)

// TestMemoryStaysFlatWithSave pushes many deliveries through the handler with
// a saving hook: the heap after all of them must not exceed the heap after
// the first few thousand by more than the bounded history could explain.
// Not a timed assertion; skipped with -short and under -race (too slow).
func TestMemoryStaysFlatWithSave(t *testing.T) {
	if testing.Short() {
		t.Skip("200k deliveries")
	}
	w, err := jsonl.Open(filepath.Join(t.TempDir(), "d.jsonl"), jsonl.Options{MaxSize: 8 << 20, Keep: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	r := newTestReceiver(t, Options{History: 1000, Persist: func(d Delivery) error { return w.Encode(d) }})
	send := func(n int) {
		for range n {
			req := httptest.NewRequest(http.MethodPost, "/tok", strings.NewReader(monascaBody))
			req.Header.Set("Content-Type", "application/json")
			r.ServeHTTP(httptest.NewRecorder(), req)
		}
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	send(5000) // fill the history and warm up
	base := heap()
	send(200000)
	after := heap()
	if r.Stats().Deliveries != 205000 || w.Lines() != 205000 {
		t.Fatalf("deliveries %d, saved %d", r.Stats().Deliveries, w.Lines())
	}
	const slack = 8 << 20
	if after > base+slack {
		t.Fatalf("heap grew from %d to %d bytes over 200k deliveries; history is bounded, it must stay flat", base, after)
	}
	t.Logf("heap after warm-up %d KiB, after 200k more %d KiB", base>>10, after>>10)
}
