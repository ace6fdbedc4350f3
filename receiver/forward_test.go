package receiver

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestForwardRelaysTheBodyAndRecordsTheConsumerStatus(t *testing.T) {
	type got struct {
		body  string
		token string
	}
	seen := make(chan got, 1)
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		seen <- got{string(b), req.Header.Get("X-Auth-Token")}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer consumer.Close()
	r := newTestReceiver(t, Options{ForwardTo: consumer.URL + "/hook"})
	defer r.Close()
	if rec := post(r, "/tok", monascaBody, http.Header{"X-Auth-Token": {"svc-token"}}); rec.Code != 200 {
		t.Fatalf("status = %d", rec.Code)
	}
	g := within(t, seen, "the consumer receiving the relayed delivery")
	if g.body != monascaBody || g.token != "svc-token" {
		t.Fatalf("consumer got %+v", g)
	}
	f := r.Deliveries()[0].Forward
	if f == nil || f.Status != http.StatusAccepted || f.Error != "" || f.URL != consumer.URL+"/hook" {
		t.Fatalf("forward = %+v", f)
	}
}

// A failed relay answers the sender 502 so that Monasca retries and the
// consumer gets another chance; ForwardBestEffort keeps the usual answer.
func TestForwardFailureAnswers502UnlessBestEffort(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close() // nothing listens any more
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) }))
	defer failing.Close()
	for _, tc := range []struct {
		name       string
		opts       Options
		wantStatus int
		wantError  bool
	}{
		{"consumer unreachable", Options{ForwardTo: downURL}, http.StatusBadGateway, true},
		{"consumer answers 500", Options{ForwardTo: failing.URL}, http.StatusBadGateway, false},
		{"best effort keeps 200", Options{ForwardTo: downURL, ForwardBestEffort: true}, http.StatusOK, true},
		{"own failure status", Options{ForwardTo: failing.URL, ForwardFailStatus: http.StatusServiceUnavailable}, http.StatusServiceUnavailable, false},
		{"fail-first answer stays", Options{ForwardTo: downURL, FailFirst: 1}, http.StatusInternalServerError, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newTestReceiver(t, tc.opts)
			defer r.Close()
			if rec := post(r, "/tok", monascaBody, nil); rec.Code != tc.wantStatus {
				t.Fatalf("answer = %d, want %d", rec.Code, tc.wantStatus)
			}
			d := r.Deliveries()[0]
			if d.Status != tc.wantStatus {
				t.Errorf("recorded status %d, want %d", d.Status, tc.wantStatus)
			}
			if f := d.Forward; f == nil || (f.Error != "") != tc.wantError {
				t.Fatalf("forward = %+v, want error recorded: %v", f, tc.wantError)
			}
		})
	}
}

// The consumer's failure is worded for the operator: what answered and the
// start of its body, or why nothing answered.
func TestForwardRecordsTheConsumersBodyAndWordsTheProblem(t *testing.T) {
	long := strings.Repeat("x", 3*ForwardBodyLimit)
	notFound := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("Cannot POST /openstack/alerts/tok\n" + long))
	}))
	defer notFound.Close()
	r := newTestReceiver(t, Options{ForwardTo: notFound.URL})
	defer r.Close()
	post(r, "/tok", monascaBody, nil)
	f := r.Deliveries()[0].Forward
	if f.OK() || len(f.Body) != ForwardBodyLimit || !strings.HasPrefix(f.Body, "Cannot POST") {
		t.Fatalf("forward = %+v, want the first %d bytes of the 404's body", f, ForwardBodyLimit)
	}
	if p := f.Problem(); !strings.HasPrefix(p, "answered 404 Not Found: Cannot POST /openstack/alerts/tok x") {
		t.Fatalf("problem = %q", p)
	}

	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-hang }))
	defer slow.Close()
	defer close(hang)
	r2 := newTestReceiver(t, Options{ForwardTo: slow.URL, ForwardTimeout: 50 * time.Millisecond})
	defer r2.Close()
	post(r2, "/tok", monascaBody, nil)
	if f := r2.Deliveries()[0].Forward; !f.TimedOut || f.Problem() != "no answer within 50ms" {
		t.Fatalf("forward = %+v, want a timeout named with its limit", f)
	}
}
