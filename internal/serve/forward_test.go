package serve

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// A target's forward-to relays its deliveries to the consumer, whose 2xx
// the probe then needs, as check --forward-to: one that answers 500 fails
// the probe, and the target's report names it.
func TestATargetsForwardToPutsTheConsumerInTheProbe(t *testing.T) {
	got := make(chan string, 16)
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		got <- string(b)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer consumer.Close()
	l := startLab(t)
	s := startServer(t, l, Config{Targets: []Target{
		{Name: "relayed", Cloud: "lab", Scenario: "synthetic", Interval: time.Second, ForwardTo: consumer.URL + "/openstack/alerts"},
	}})
	awaitMetric(t, s, "the target probed", func(m map[string]*dto.MetricFamily) bool {
		_, ok := sample(m, "monhook_probe_success", "target", "relayed")
		return ok
	})
	select {
	case body := <-got:
		if !strings.Contains(body, `"alarm_definition_id"`) {
			t.Errorf("the consumer got %q, not Monasca's notification", body)
		}
	default:
		t.Fatal("the consumer got nothing")
	}
	rep := get(t, s.URL()+"/report?target=relayed")
	if !strings.Contains(rep.body, `"verdict": "fail"`) || !strings.Contains(rep.body, "answered 500 Internal Server Error") ||
		!strings.Contains(rep.body, consumer.URL+"/openstack/alerts") {
		t.Errorf("report does not fail naming the consumer:\n%s", rep.body)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	l.assertClean(t)
}
