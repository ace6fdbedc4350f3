package notifier

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/clock"
	"github.com/monhook/monhook/internal/lab/model"
)

// BenchmarkNotifierThroughput sends b.N webhooks to a fast local receiver and
// reports webhooks/s (make bench requires ≥ 1,000; monasca-notification does
// about 200 per engine). The engine is built as internal/lab/engines.go
// builds it: the default workers and HTTP client, the lab's default speed;
// nothing tuned for the benchmark.
func BenchmarkNotifierThroughput(b *testing.B) {
	done := make(chan struct{}, 1<<16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	s := newMemStore()
	s.setMethod(model.NotificationMethod{ID: "m1", Type: "WEBHOOK", Address: srv.URL})
	s.defs["d1"] = model.AlarmDefinition{ID: "d1", AlarmActions: []string{"m1"}, ActionsEnabled: true}
	bus := newChanBus()
	eng := New(Options{Store: s, Bus: bus, Clock: clock.Real{}, Speed: 1})
	eng.trace = func(ev string, _ job) {
		if ev == "sent" || ev == "failed" {
			done <- struct{}{}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { _ = eng.Run(ctx); close(stopped) }()
	defer func() { cancel(); <-stopped }()
	<-bus.ready

	tr := transition()
	b.ResetTimer()
	begin := time.Now()
	go func() {
		for i := 0; i < b.N; i++ {
			t := tr
			t.AlarmID = fmt.Sprintf("a%d", i)
			bus.Publish(model.AlarmTransitioned{Transition: t})
		}
	}()
	for range b.N {
		<-done
	}
	elapsed := time.Since(begin)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "webhooks/s")
	if st := eng.Stats(); st.Failed != 0 {
		b.Fatalf("%d webhooks failed", st.Failed)
	}
}
