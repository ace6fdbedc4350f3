package loadgen

import (
	"context"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/monhook/monhook/receiver"
	"github.com/monhook/monhook/receiver/jsonl"
)

func serve(tb testing.TB, h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

// savingReceiver is the receiver library as `monhook listen --save` uses it:
// every delivery persisted to a rotating JSON Lines file before its answer.
func savingReceiver(tb testing.TB) (url string, stop func() (saved int64)) {
	path := filepath.Join(tb.TempDir(), "deliveries.jsonl")
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
		n, err := CountLines(path)
		if err != nil {
			tb.Fatal(err)
		}
		return n
	}
}

// BenchmarkReceiverVsBare: each iteration posts 4×5000 notifications over
// loopback with 16 connections to each of (a) the receiver library saving
// to JSON Lines and (b) DecodeOnlyHandler. It reports deliveries/s and p99
// of each and the ratio a/b (target ≥ 0.6), and fails when the saved count
// differs from the acknowledged count. The full command is measured by
// internal/cli's BenchmarkListenSaveVsBare.
func BenchmarkReceiverVsBare(b *testing.B) {
	var a, base Result
	for b.Loop() {
		bare := serve(b, DecodeOnlyHandler())
		rcv, stop := savingReceiver(b)
		ra, rb, err := Compare(context.Background(), Comparison{A: rcv, B: bare})
		if err != nil {
			b.Fatal(err)
		}
		if saved := stop(); saved != ra.Acked || ra.Acked != ra.Sent || rb.Acked != rb.Sent {
			b.Fatalf("saved %d; receiver %s; bare %s", saved, ra, rb)
		}
		a.Add(ra)
		base.Add(rb)
	}
	report(b, &a, &base)
}

func report(b *testing.B, a, base *Result) {
	b.ReportMetric(a.PerSecond(), "a-deliveries/s")
	b.ReportMetric(base.PerSecond(), "b-deliveries/s")
	b.ReportMetric(float64(a.P99())/float64(time.Microsecond), "a-p99-µs")
	b.ReportMetric(float64(base.P99())/float64(time.Microsecond), "b-p99-µs")
	b.ReportMetric(a.PerSecond()/base.PerSecond(), "ratio-a/b")
}
