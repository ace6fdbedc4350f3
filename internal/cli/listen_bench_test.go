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

// benchListen runs `monhook listen --save FILE [--fsync]` in-process with
// its output discarded, calls load with the callback URL, then stops it as
// SIGINT would and returns the number of records in the saved files.
func benchListen(b *testing.B, fsync bool, load func(url string)) (saved int64) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "deliveries.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := &listenOptions{
		IO: discardStreams(), Output: "table", Clock: clock.Real{},
		Listen: "127.0.0.1:0", RespondStatus: 200, MaxBody: 1 << 20,
		Save: path, SaveMaxSize: 100 << 20, SaveKeep: 1000, Fsync: fsync,
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

func serve(b *testing.B, h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

// bareHandler is the floor of any Go webhook receiver: read the body,
// answer 200. It looks at nothing.
func bareHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	})
}

// BenchmarkListenSaveVsBare is the measure. Each iteration posts 4
// rounds of 5000 Monasca-shaped notifications over loopback with 16
// connections to each of: `monhook listen --save` (output discarded; every
// delivery written to the file before its answer), a truly bare handler
// (read the body, answer 200) and a decode-only handler (json-decode the
// body, answer 200), in turn, so that noise from other processes hits all
// three alike. It reports each one's deliveries/s and p99, and listen's
// ratio to both: ratio-vs-decode is the target (≥ 0.6, goal 0.9),
// ratio-vs-bare what parsing, validating and saving cost in all. It fails
// unless the saved count equals the acknowledged count. The fsync variant
// is `--save --fsync`, whose cost is the disk's.
func BenchmarkListenSaveVsBare(b *testing.B) {
	for _, fsync := range []bool{false, true} {
		name := "save"
		if fsync {
			name = "save-fsync"
		}
		b.Run(name, func(b *testing.B) {
			var listen, bare, decode loadgen.Result
			for b.Loop() {
				sides := []struct {
					url  string
					into *loadgen.Result
				}{{serve(b, bareHandler()), &bare}, {serve(b, loadgen.DecodeOnlyHandler()), &decode}, {"", &listen}}
				var acked int64
				saved := benchListen(b, fsync, func(url string) {
					sides[2].url = url
					for range 4 {
						for _, side := range sides {
							r, err := loadgen.Run(context.Background(), loadgen.Config{URL: side.url, Concurrency: 16, Requests: 5000})
							if err != nil {
								b.Fatal(err)
							}
							if r.Acked != r.Sent {
								b.Fatalf("not every request acknowledged by %s: %s", side.url, r)
							}
							side.into.Add(r)
						}
					}
					acked = listen.Acked
				})
				if saved != acked {
					b.Fatalf("saved %d deliveries, acknowledged %d", saved, acked)
				}
			}
			b.ReportMetric(listen.PerSecond(), "listen-deliveries/s")
			b.ReportMetric(bare.PerSecond(), "bare-deliveries/s")
			b.ReportMetric(decode.PerSecond(), "decode-deliveries/s")
			b.ReportMetric(float64(listen.P99())/float64(time.Microsecond), "listen-p99-µs")
			b.ReportMetric(float64(decode.P99())/float64(time.Microsecond), "decode-p99-µs")
			b.ReportMetric(listen.PerSecond()/bare.PerSecond(), "ratio-vs-bare")
			b.ReportMetric(listen.PerSecond()/decode.PerSecond(), "ratio-vs-decode")
		})
	}
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
		saved := benchListen(b, false, func(url string) {
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
