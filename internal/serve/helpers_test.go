package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/labtest"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarmdefinitions"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
)

// labSpeed compresses Monasca's timings so every built-in runs in seconds.
const labSpeed = 60

// testLab is the in-process lab with a count of the Monasca API calls made
// against it (its debug log has one line per request).
type testLab struct {
	*lab.Lab
	calls *callCounter
}

type callCounter struct {
	mu    sync.Mutex
	lines []string
}

func (c *callCounter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lines = append(c.lines, strings.Split(strings.TrimSpace(string(p)), "\n")...)
	return len(p), nil
}

// monasca counts requests to the Monasca API (Keystone's are not).
func (c *callCounter) monasca() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, l := range c.lines {
		if strings.Contains(l, " /monitoring/") {
			n++
		}
	}
	return n
}

func startLab(t testing.TB) *testLab { return startLabWith(t, lab.Options{}) }

func startLabWith(t testing.TB, opts lab.Options) *testLab {
	t.Helper()
	cc := &callCounter{}
	opts.Speed, opts.Debug = labSpeed, cc
	return &testLab{Lab: labtest.Start(t, opts), calls: cc}
}

// connect authenticates as the lab's monasca-user through its Keystone.
func (l *testLab) connect(ctx context.Context) (Conn, error) {
	s, err := labtest.Connect(ctx, l.Lab, l.Credentials())
	if err != nil {
		return Conn{}, err
	}
	return Conn{Client: s.Monitoring, ProjectID: s.ProjectID}, nil
}

// resolve knows one cloud, "lab" (also the default "").
func (l *testLab) resolve(cloud string) (ConnectFunc, error) {
	if cloud != "" && cloud != "lab" {
		return nil, errors.New("no such cloud in clouds.yaml")
	}
	return l.connect, nil
}

// assertClean fails when anything monhook-made is left in the lab.
func (l *testLab) assertClean(t *testing.T) {
	t.Helper()
	defs, methods := l.resources(t)
	for _, d := range defs {
		t.Errorf("left behind: alarm definition %s", d.Name)
	}
	for _, m := range methods {
		t.Errorf("left behind: notification method %s", m.Name)
	}
}

// startServer starts serve on loopback against the lab.
func startServer(t *testing.T, l *testLab, cfg Config) *Server {
	t.Helper()
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.ReceiverListen == "" {
		cfg.ReceiverListen = "127.0.0.1:0"
	}
	if cfg.Speed == 0 {
		cfg.Speed = labSpeed
	}
	if cfg.ProbeMinInterval == 0 {
		cfg.ProbeMinInterval = -1 // every test probe runs, unless a test says otherwise
	}
	s, err := New(Options{Config: cfg, Resolve: l.resolve})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

type answer struct {
	status      int
	contentType string
	body        string
}

// get fetches path with optional headers (name, value, ...).
func get(t *testing.T, url string, header ...string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	c := &http.Client{Timeout: 2 * time.Minute}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: string(b)}
}

// parseMetrics parses the text exposition format.
func parseMetrics(t *testing.T, body string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not the exposition format: %v\n%s", err, body)
	}
	return mfs
}

// sample returns the value of name with exactly the given labels
// (name=value pairs), and whether it exists.
func sample(mfs map[string]*dto.MetricFamily, name string, labels ...string) (*dto.Metric, bool) {
	mf := mfs[name]
	if mf == nil {
		return nil, false
	}
	for _, m := range mf.GetMetric() {
		if hasLabels(m, labels...) {
			return m, true
		}
	}
	return nil, false
}

func hasLabels(m *dto.Metric, labels ...string) bool {
	for i := 0; i+1 < len(labels); i += 2 {
		found := false
		for _, lp := range m.GetLabel() {
			if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func value(m *dto.Metric) float64 {
	switch {
	case m.GetGauge() != nil:
		return m.GetGauge().GetValue()
	case m.GetCounter() != nil:
		return m.GetCounter().GetValue()
	case m.GetUntyped() != nil:
		return m.GetUntyped().GetValue()
	}
	return 0
}

// mustValue is sample's value; a missing sample fails the test.
func mustValue(t *testing.T, mfs map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	t.Helper()
	m, ok := sample(mfs, name, labels...)
	if !ok {
		t.Fatalf("no sample %s%v", name, labels)
	}
	return value(m)
}

// awaitMetric polls /metrics until cond holds (an observable condition);
// the deadline only stops a broken server from hanging the test.
func awaitMetric(t *testing.T, s *Server, what string, cond func(map[string]*dto.MetricFamily) bool) map[string]*dto.MetricFamily {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		mfs := parseMetrics(t, get(t, s.URL()+"/metrics").body)
		if cond(mfs) {
			return mfs
		}
		time.Sleep(10 * time.Millisecond) // poll interval, not synchronisation
	}
	t.Fatalf("timed out waiting for %s", what)
	return nil
}

func probeURL(s *Server, scenario string, extra ...string) string {
	u := fmt.Sprintf("%s/probe?scenario=%s", s.URL(), scenario)
	for _, e := range extra {
		u += "&" + e
	}
	return u
}

func mustRequest(t *testing.T, timeoutHeader string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://monhook/probe?scenario=synthetic", nil)
	if err != nil {
		t.Fatal(err)
	}
	if timeoutHeader != "" {
		req.Header.Set(scrapeTimeoutHeader, timeoutHeader)
	}
	return req
}

// resources lists every alarm definition and notification method in the
// lab user's project, marked or not, for tests to see what a run or the
// sweep left.
func (l *testLab) resources(t testing.TB) ([]alarmdefinitions.AlarmDefinition, []notificationmethods.NotificationMethod) {
	t.Helper()
	ctx := context.Background()
	conn, err := l.connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pages, err := alarmdefinitions.List(conn.Client, alarmdefinitions.ListOpts{}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defs, err := alarmdefinitions.ExtractAlarmDefinitions(pages)
	if err != nil {
		t.Fatal(err)
	}
	pages, err = notificationmethods.List(conn.Client, notificationmethods.ListOpts{}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	methods, err := notificationmethods.ExtractNotificationMethods(pages)
	if err != nil {
		t.Fatal(err)
	}
	return defs, methods
}

// sumValues adds every sample of name that has the given labels (a counter
// with more labels than the test cares about).
func sumValues(mfs map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	total := 0.0
	if mf := mfs[name]; mf != nil {
		for _, m := range mf.GetMetric() {
			if hasLabels(m, labels...) {
				total += value(m)
			}
		}
	}
	return total
}
