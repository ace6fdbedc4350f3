package jsonl

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// BenchmarkWriteFsync writes 1 KiB records with Fsync from 16 goroutines (a
// receiver under 16 connections) and reports how many records each fsync
// covered: above 1 is group commit at work.
func BenchmarkWriteFsync(b *testing.B) {
	var syncs atomic.Int64
	w, _ := openFaulty(b, Options{Fsync: true}, func(f *faultyFile) { f.syncs = &syncs })
	rec := make([]byte, 1024)
	for i := range rec {
		rec[i] = 'x'
	}
	rec[0], rec[len(rec)-1] = '"', '"'
	b.SetBytes(int64(len(rec)))
	b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0))) // 16 writers in all
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := w.Write(rec); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	if n := syncs.Load(); n > 0 {
		b.ReportMetric(float64(w.Lines())/float64(n), "records/fsync")
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}
