package serve

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/labtest"
)

// envInt reads a benchmark size from the environment.
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// heapAndGoroutines after a full GC: what stays, not what is in flight.
func heapAndGoroutines() (heap uint64, goroutines int) {
	// Idle keep-alive connections hold goroutines on both ends; they are
	// the HTTP client's pool, not probes.
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc, runtime.NumGoroutine()
}

// leftovers counts what monhook left in the lab (definitions and methods).
func (l *testLab) leftovers(b *testing.B) int {
	b.Helper()
	defs, methods := l.resources(b)
	return len(defs) + len(methods)
}

// heapOutsideLab is the live heap allocated from outside the lab's
// packages (serve, receiver, runner, net/http, ...), from the heap
// profile's sampled allocation stacks: the in-process lab keeps history by
// design, and must not hide a leak in serve.
func heapOutsideLab() int64 {
	runtime.GC()
	runtime.GC() // the profile lags up to two cycles
	n, _ := runtime.MemProfile(nil, true)
	recs := make([]runtime.MemProfileRecord, n+50)
	n, _ = runtime.MemProfile(recs, true)
	var outside int64
	for _, r := range recs[:n] {
		frames := runtime.CallersFrames(r.Stack())
		lab := false
		for {
			f, more := frames.Next()
			if strings.Contains(f.Function, "monhook/internal/lab") {
				lab = true
				break
			}
			if !more {
				break
			}
		}
		if !lab {
			outside += r.InUseBytes()
		}
	}
	return outside
}

// quietLab is the lab without the call counter (which keeps every line).
func quietLab(b *testing.B) *testLab {
	b.Helper()
	l := labtest.Start(b, lab.Options{Speed: labSpeed})
	return &testLab{Lab: l, calls: &callCounter{}}
}

// BenchmarkServeSoak runs 1,000 /probe requests (MONHOOK_BENCH_PROBES) per
// op against the lab at speed 60 and reports what a long-running canary
// must not do: fail, leak resources in Monasca, or grow its heap and
// goroutines. heap-growth-KiB and goroutine-growth compare the end with the
// state after the first tenth (warm caches, pools, the cached session).
// The lab runs in the same process and keeps, as Monasca does, every
// metric series and alarm state change (about 1.3 KiB per probe), so
// heap-growth-KiB is an upper bound; heap-growth-outside-lab-KiB is the
// growth of everything else (from the sampled heap profile), and
// serve-state-left counts what serve itself still holds for finished probes
// (token routes, run ids, flights): it must be 0.
func BenchmarkServeSoak(b *testing.B) {
	n := envInt("MONHOOK_BENCH_PROBES", 1000)
	old := runtime.MemProfileRate
	runtime.MemProfileRate = 4096 // fine enough to attribute KiBs
	defer func() { runtime.MemProfileRate = old }()
	l := quietLab(b)
	// ProbeMinInterval < 0: every request runs a check. The default (5 s)
	// would answer all but the first from the finished run, and the soak
	// would measure a cache.
	s, err := New(Options{Config: Config{Listen: "127.0.0.1:0", ReceiverListen: "127.0.0.1:0", Speed: labSpeed, ProbeMinInterval: -1}, Resolve: l.resolve})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	url := s.URL() + "/probe?scenario=synthetic"
	failures := 0
	var heap0 uint64
	var gor0 int
	var outside0 int64
	b.ResetTimer()
	for range b.N {
		for i := range n {
			if i == n/10 {
				b.StopTimer()
				heap0, gor0 = heapAndGoroutines()
				outside0 = heapOutsideLab()
				b.StartTimer()
			}
			body := benchGet(b, url)
			if !strings.Contains(body, "\nmonhook_probe_success 1\n") {
				failures++
			}
		}
	}
	b.StopTimer()
	heap1, gor1 := heapAndGoroutines()
	outside1 := heapOutsideLab()
	b.ReportMetric(float64(n), "probes/op")
	b.ReportMetric(float64(failures), "failed-probes")
	b.ReportMetric(float64(l.leftovers(b)), "leaked-resources")
	b.ReportMetric((float64(heap1)-float64(heap0))/1024, "heap-growth-KiB")
	b.ReportMetric(float64(heap1)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(outside1-outside0)/1024, "heap-growth-outside-lab-KiB")
	b.ReportMetric(float64(gor1-gor0), "goroutine-growth")
	b.ReportMetric(float64(s.stateLeft()), "serve-state-left")
}

// stateLeft counts per-probe state serve still holds; 0 when idle.
func (s *Server) stateLeft() int {
	s.flights.mu.Lock()
	n := len(s.flights.m)
	s.flights.mu.Unlock()
	s.ids.mu.Lock()
	n += len(s.ids.inUse)
	s.ids.mu.Unlock()
	return n + s.receiverMux().Routes()
}

// BenchmarkServe100Targets is the sizing claim: one serve watching 100
// targets at a 5-minute interval. At lab speed 60 a 5-minute interval lasts
// 5 s; each op runs MONHOOK_BENCH_CYCLES (default 3) intervals and reports
// the process's RSS and CPU use per wall-clock second (2 cores = 2.0).
func BenchmarkServe100Targets(b *testing.B) {
	targets := envInt("MONHOOK_BENCH_TARGETS", 100)
	cycles := envInt("MONHOOK_BENCH_CYCLES", 3)
	interval := 5 * time.Minute / labSpeed
	for range b.N {
		l := quietLab(b)
		cfg := Config{Listen: "127.0.0.1:0", ReceiverListen: "127.0.0.1:0", Speed: labSpeed}
		for i := range targets {
			cfg.Targets = append(cfg.Targets, Target{Name: fmt.Sprintf("region-%03d", i), Cloud: "lab", Scenario: "synthetic", Interval: interval})
		}
		s, err := New(Options{Config: cfg, Resolve: l.resolve})
		if err != nil {
			b.Fatal(err)
		}
		cpu0, wall0 := cpuTime(), time.Now()
		if err := s.Start(); err != nil {
			b.Fatal(err)
		}
		time.Sleep(time.Duration(cycles) * interval) // the measured period itself, not a synchronisation
		if err := s.Shutdown(context.Background()); err != nil {
			b.Fatal(err)
		}
		cpu, wall := cpuTime()-cpu0, time.Since(wall0)
		ok, probed := 0, 0
		for _, t := range s.targets {
			if r := t.lastResult(); r != nil {
				probed++
				if r.Success {
					ok++
				}
			}
		}
		b.ReportMetric(float64(probed), "targets-probed")
		b.ReportMetric(float64(ok), "targets-success")
		b.ReportMetric(rssMiB(), "peak-RSS-MiB")
		b.ReportMetric(cpu.Seconds()/wall.Seconds(), "cpu-cores")
		b.ReportMetric(float64(l.leftovers(b)), "leaked-resources")
		_ = l.Close()
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rssMiB is the process's peak resident set (VmHWM) — lab, serve and test
// harness together, so an upper bound for serve alone.
func rssMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

func benchGet(b *testing.B, url string) string {
	b.Helper()
	resp, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	return string(body)
}
