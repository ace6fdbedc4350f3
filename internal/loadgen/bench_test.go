package loadgen

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/monhook/monhook/receiver"
	"github.com/monhook/monhook/receiver/jsonl"
)

// bareServer is the baseline: a net/http handler that only decodes the JSON.
func bareServer(tb testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n receiver.Notification
		if err := json.NewDecoder(r.Body).Decode(&n); err != nil {
			w.WriteHeader(http.StatusBadRequest)
		}
	})}
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

// savingReceiver is the receiver as `monhook listen --save` runs it: every
// delivery persisted to a rotating JSON Lines file before it is answered.
func savingReceiver(tb testing.TB) (url string, stop func() (saved int64)) {
	dir := tb.TempDir()
	path := filepath.Join(dir, "deliveries.jsonl")
	w, err := jsonl.Open(path, jsonl.Options{MaxSize: 64 << 20, Keep: 1000})
	if err != nil {
		tb.Fatal(err)
	}
	r, err := receiver.New(receiver.Options{
		Listen:  "127.0.0.1:0",
		Persist: func(d receiver.Delivery) error { return w.Write(d.AppendJSON(nil)) },
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := r.Start(); err != nil {
		tb.Fatal(err)
	}
	return r.CallbackURL(), func() int64 {
		if err := r.Close(); err != nil {
			tb.Fatal(err)
		}
		if err := w.Close(); err != nil {
			tb.Fatal(err)
		}
		return countSavedLines(tb, path)
	}
}

// countSavedLines counts records in path and its rotated siblings.
func countSavedLines(tb testing.TB, path string) int64 {
	files, _ := filepath.Glob(path + "*")
	var n int64
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 4<<20)
		for sc.Scan() {
			n++
		}
		f.Close()
	}
	return n
}

// BenchmarkReceiverVsBare posts b.N notifications over loopback with 16
// connections to each of (a) the receiver saving to JSON Lines and (b) a
// bare decode-only handler, in alternating rounds so that noise from other
// processes hits both alike. It reports deliveries/s and p99 of each and the
// ratio a/b (target ≥ 0.6), and fails if the saved count differs from the
// acknowledged count.
func BenchmarkReceiverVsBare(b *testing.B) {
	const rounds = 4
	bare := bareServer(b)
	rcvURL, stop := savingReceiver(b)
	n := max(b.N/rounds, 1)
	var a, base Result
	add := func(into *Result, r *Result) {
		into.Sent += r.Sent
		into.Acked += r.Acked
		into.Rejected += r.Rejected
		into.Errors += r.Errors
		into.Elapsed += r.Elapsed
		into.Latencies.Merge(&r.Latencies)
	}
	b.ResetTimer()
	for range rounds {
		rb, err := Run(context.Background(), Config{URL: bare, Concurrency: 16, Requests: n})
		if err != nil {
			b.Fatal(err)
		}
		add(&base, rb)
		ra, err := Run(context.Background(), Config{URL: rcvURL, Concurrency: 16, Requests: n})
		if err != nil {
			b.Fatal(err)
		}
		add(&a, ra)
	}
	b.StopTimer()
	saved := stop()
	if a.Acked != int64(n*rounds) || base.Acked != int64(n*rounds) {
		b.Fatalf("not every request acknowledged: receiver %s; bare %s", &a, &base)
	}
	if saved != a.Acked {
		b.Fatalf("saved %d deliveries, acknowledged %d", saved, a.Acked)
	}
	b.ReportMetric(a.PerSecond(), "rcv-deliveries/s")
	b.ReportMetric(base.PerSecond(), "bare-deliveries/s")
	b.ReportMetric(float64(a.P99())/float64(time.Microsecond), "rcv-p99-µs")
	b.ReportMetric(float64(base.P99())/float64(time.Microsecond), "bare-p99-µs")
	b.ReportMetric(a.PerSecond()/base.PerSecond(), "ratio")
}

// BenchmarkReceiverSaveMemory sends b.N deliveries (use -benchtime=200000x
// or more) through the saving receiver and reports the live heap after them:
// it must stay flat as N grows, because the history is bounded.
func BenchmarkReceiverSaveMemory(b *testing.B) {
	rcvURL, stop := savingReceiver(b)
	res, err := Run(context.Background(), Config{URL: rcvURL, Concurrency: 16, Requests: b.N})
	if err != nil {
		b.Fatal(err)
	}
	heap := liveHeap()
	if saved := stop(); saved != res.Acked {
		b.Fatal(errors.New("saved count differs from acknowledged count"))
	}
	b.ReportMetric(float64(heap)/(1<<20), "live-heap-MiB")
	b.ReportMetric(res.PerSecond(), "deliveries/s")
}
