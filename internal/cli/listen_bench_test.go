package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/clock"
	"github.com/monhook/monhook/internal/loadgen"
	"github.com/monhook/monhook/receiver"
)

// discardStreams is `monhook listen … >/dev/null 2>&1`.
func discardStreams() *IOStreams {
	return &IOStreams{In: &bytes.Buffer{}, Out: io.Discard, ErrOut: io.Discard}
}

// benchListen runs `monhook listen --save FILE` in-process with its output
// discarded, calls load with the callback URL, then stops it as SIGINT would
// and returns the number of records in the saved files.
func benchListen(b *testing.B, load func(url string)) (saved int64) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "deliveries.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := &listenOptions{
		IO: discardStreams(), Output: "table", Clock: clock.Real{},
		Listen: "127.0.0.1:0", RespondStatus: 200, MaxBody: 1 << 20,
		Save: path, SaveMaxSize: 100 << 20, SaveKeep: 1000,
		ready: func(r *receiver.Receiver) { load(r.CallbackURL()); cancel() },
	}
	if err := listenRun(ctx, o); err != nil {
		b.Fatal(err)
	}
	n, err := loadgen.CountLines(path)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

func serveBare(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: loadgen.DecodeOnlyHandler()}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

// BenchmarkListenSaveVsBare is the measure: each iteration posts
// 4×5000 Monasca-shaped notifications over loopback with 16 connections to
// (a) `monhook listen --save` with output discarded and (b) a bare net/http
// handler that only decodes the JSON, alternating rounds. It reports
// deliveries/s, p99 and the ratio a/b (target ≥ 0.6), and fails unless the
// saved count equals the acknowledged count.
func BenchmarkListenSaveVsBare(b *testing.B) {
	var a, base loadgen.Result
	for b.Loop() {
		bare := serveBare(b)
		var ra, rb *loadgen.Result
		saved := benchListen(b, func(url string) {
			var err error
			ra, rb, err = loadgen.Compare(context.Background(), loadgen.Comparison{A: url, B: bare})
			if err != nil {
				b.Fatal(err)
			}
		})
		if ra.Acked != ra.Sent || rb.Acked != rb.Sent {
			b.Fatalf("not every request acknowledged: listen %s; bare %s", ra, rb)
		}
		if saved != ra.Acked {
			b.Fatalf("saved %d deliveries, acknowledged %d", saved, ra.Acked)
		}
		a.Add(ra)
		base.Add(rb)
	}
	b.ReportMetric(a.PerSecond(), "a-deliveries/s")
	b.ReportMetric(base.PerSecond(), "b-deliveries/s")
	b.ReportMetric(float64(a.P99())/float64(time.Microsecond), "a-p99-µs")
	b.ReportMetric(float64(base.P99())/float64(time.Microsecond), "b-p99-µs")
	b.ReportMetric(a.PerSecond()/base.PerSecond(), "ratio-a/b")
}

// BenchmarkListenSaveMemory sends MONHOOK_BENCH_DELIVERIES (default 100000;
// the figure is 1000000) deliveries to `monhook listen --save` and
// reports the live heap after the first tenth and at the end: with the
// history bounded and the file as the record, the two stay level.
func BenchmarkListenSaveMemory(b *testing.B) {
	total := 100000
	if v, err := strconv.Atoi(os.Getenv("MONHOOK_BENCH_DELIVERIES")); err == nil && v > 0 {
		total = v
	}
	var early, late float64
	for b.Loop() {
		var acked int64
		saved := benchListen(b, func(url string) {
			first, err := loadgen.Run(context.Background(), loadgen.Config{URL: url, Concurrency: 16, Requests: total / 10})
			if err != nil {
				b.Fatal(err)
			}
			early = liveHeapMiB()
			rest, err := loadgen.Run(context.Background(), loadgen.Config{URL: url, Concurrency: 16, Requests: total - total/10})
			if err != nil {
				b.Fatal(err)
			}
			late = liveHeapMiB()
			acked = first.Acked + rest.Acked
		})
		if saved != acked || acked != int64(total) {
			b.Fatalf("saved %d, acknowledged %d, sent %d", saved, acked, total)
		}
	}
	b.ReportMetric(early, "heap-after-10%-MiB")
	b.ReportMetric(late, "heap-after-all-MiB")
}

func liveHeapMiB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}
