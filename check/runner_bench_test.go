package check_test

import (
	"context"
	"testing"
	"time"

	"github.com/monhook/monhook/check"
	"github.com/monhook/monhook/scenarios"
)

// overheadStages are monhook's own work: API calls to authenticate,
// provision and tear down, and the receiver's start. The other stages wait
// for Monasca (the lab's engines) and are the baseline the overhead is
// compared against.
var overheadStages = map[string]bool{
	scenarios.StageAuth: true, scenarios.StagePreflight: true, scenarios.StageReceiver: true,
	scenarios.StageNotificationMethod: true, scenarios.StageAlarmDefinition: true, scenarios.StageTeardown: true,
}

// BenchmarkCheckLabSynthetic runs the synthetic scenario end to end against
// the in-process lab at speed 60. Targets (issue 6): wall < 3 s per check,
// overhead < 100 ms. Reported: wall-ms, overhead-ms and overhead/wall.
func BenchmarkCheckLabSynthetic(b *testing.B) {
	l := startLabB(b)
	sc, err := scenarios.Builtin("synthetic")
	if err != nil {
		b.Fatal(err)
	}
	var wall, overhead time.Duration
	for b.Loop() {
		r := &check.Runner{Scenario: sc.Scaled(labSpeed), Connect: connectAsB(b, l, "labuser")}
		r.Receiver.Listen = "127.0.0.1:0"
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		start := time.Now()
		rep := r.Run(ctx)
		wall += time.Since(start)
		cancel()
		if rep.ExitCode != 0 {
			b.Fatalf("exit %d: %s", rep.ExitCode, rep.Error)
		}
		for _, s := range rep.Stages {
			if overheadStages[s.Name] {
				overhead += time.Duration(s.DurationMS * float64(time.Millisecond))
			}
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(wall.Milliseconds())/n, "wall-ms/check")
	b.ReportMetric(float64(overhead.Microseconds())/1000/n, "overhead-ms/check")
	b.ReportMetric(float64(overhead)/float64(wall), "overhead/wall")
}
