package check_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/check"
	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/labtest"
	"github.com/monhook/monhook/openstack/monitoring/v2/measurements"
	"github.com/monhook/monhook/scenarios"
)

// bigProject is the cloud of issue 10: 600 agents at a 30 s interval,
// 12,000 cpu.idle_perc measurements over the last 10 minutes.
const (
	bigHosts    = 600
	bigPerHost  = 20
	bigInterval = 30 * time.Second
)

// measurementReads counts the GETs of /metrics/measurements a client makes
// and the response bytes they carry.
type measurementReads struct {
	base         http.RoundTripper
	calls, bytes atomic.Int64
}

func (m *measurementReads) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := m.base.RoundTrip(req)
	if err != nil || req.Method != http.MethodGet || !strings.HasSuffix(req.URL.Path, "/metrics/measurements") {
		return resp, err
	}
	m.calls.Add(1)
	resp.Body = countedBody{resp.Body, &m.bytes}
	return resp, nil
}

type countedBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c countedBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// fillBigProject posts bigHosts × bigPerHost measurements as the lab's agent
// user, newest ones now, so that they fall in any recent window.
func fillBigProject(t testing.TB, l *lab.Lab) {
	t.Helper()
	u, _ := l.User("labagent")
	s, err := labtest.Connect(context.Background(), l, u)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	batch := make([]map[string]any, 0, 1000)
	flush := func() {
		body, _ := json.Marshal(batch)
		_, err := s.Monitoring.Post(context.Background(), s.Monitoring.ServiceURL("metrics"), json.RawMessage(body), nil,
			&gophercloud.RequestOpts{OkCodes: []int{http.StatusNoContent}})
		if err != nil {
			t.Fatal(err)
		}
		batch = batch[:0]
	}
	for h := range bigHosts {
		for p := range bigPerHost {
			ts := now.Add(-time.Duration(p)*bigInterval - time.Duration(h%30)*time.Second)
			batch = append(batch, map[string]any{"name": "cpu.idle_perc", "value": 90,
				"timestamp": ts.UnixMilli(), "dimensions": map[string]string{"hostname": fmt.Sprintf("big-%03d", h)}})
			if len(batch) == cap(batch) {
				flush()
			}
		}
	}
}

// preflightOnly runs the cpu-idle check up to the end of its preflight and
// returns the preflight's measurement reads.
func preflightOnly(t testing.TB, l *lab.Lab) (*measurementReads, string) {
	t.Helper()
	u, _ := l.User("labuser")
	reads := &measurementReads{}
	sc, err := scenarios.Builtin("cpu-idle")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r := &check.Runner{
		Scenario: sc.Scaled(labSpeed),
		Connect: func(ctx context.Context) (check.Target, error) {
			s, err := labtest.Connect(ctx, l, u)
			if err != nil {
				return check.Target{}, err
			}
			reads.base = s.Provider.HTTPClient.Transport
			s.Provider.HTTPClient.Transport = reads
			return check.Target{Client: s.Monitoring, ProjectID: s.ProjectID}, nil
		},
		// Stop once preflight is done: nothing is created.
		Progress: func(stage string) {
			if stage == scenarios.StageReceiver {
				cancel()
			}
		},
	}
	rep := r.Run(ctx)
	pf := stage(rep, scenarios.StagePreflight)
	if pf.Status != "ok" {
		t.Fatalf("preflight %+v", pf)
	}
	return reads, pf.Detail
}

// fullRead is the preflight as it was: every measurement of its window,
// grouped by series, every page. The window is 10 minutes plus a margin, so
// that a slow setup (-race) does not let the oldest rows slip out.
func fullRead(t testing.TB, l *lab.Lab) *measurementReads {
	t.Helper()
	u, _ := l.User("labuser")
	s, err := labtest.Connect(context.Background(), l, u)
	if err != nil {
		t.Fatal(err)
	}
	reads := &measurementReads{base: s.Provider.HTTPClient.Transport}
	s.Provider.HTTPClient.Transport = reads
	pages, err := measurements.List(s.Monitoring, measurements.ListOpts{
		Name: "cpu.idle_perc", StartTime: time.Now().Add(-15 * time.Minute), GroupBy: "*", Limit: 10000,
	}).AllPages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	series, _ := measurements.ExtractSeries(pages)
	n := 0
	for _, s := range series {
		n += len(s.Measurements)
	}
	if n < bigHosts*bigPerHost {
		t.Fatalf("baseline read %d measurements, want at least %d", n, bigHosts*bigPerHost)
	}
	return reads
}

// The preflight's cost must not grow with the cloud: one request, one
// bounded page, on a project with 12,000 measurements in its window.
func TestPreflightReadsOneBoundedPageOfABigProject(t *testing.T) {
	l := startLab(t)
	fillBigProject(t, l)
	reads, detail := preflightOnly(t, l)
	if reads.calls.Load() != 1 {
		t.Errorf("preflight made %d measurement requests, want 1", reads.calls.Load())
	}
	full := fullRead(t, l)
	// At most 200 rows of ~40 bytes: a small fraction of the 12,000.
	if reads.bytes.Load()*10 > full.bytes.Load() {
		t.Errorf("preflight read %d bytes, the whole window is %d: not bounded", reads.bytes.Load(), full.bytes.Load())
	}
	if !strings.Contains(detail, "watching ") {
		t.Errorf("detail %q", detail)
	}
}

// BenchmarkPreflightBigProject reports the preflight's measurement requests
// and bytes on a project holding 12,000 measurements, and the same for the
// in-run baseline that reads the whole window (the preflight before issue 10).
func BenchmarkPreflightBigProject(b *testing.B) {
	l := startLabB(b)
	fillBigProject(b, l)
	full := fullRead(b, l)
	var calls, bytes int64
	for b.Loop() {
		reads, _ := preflightOnly(b, l)
		calls += reads.calls.Load()
		bytes += reads.bytes.Load()
	}
	n := float64(b.N)
	b.ReportMetric(float64(calls)/n, "calls/preflight")
	b.ReportMetric(float64(bytes)/n, "bytes/preflight")
	b.ReportMetric(float64(full.calls.Load()), "calls/full-read")
	b.ReportMetric(float64(full.bytes.Load()), "bytes/full-read")
	b.ReportMetric(float64(bytes)/n/float64(full.bytes.Load()), "preflight/full-bytes")
}
