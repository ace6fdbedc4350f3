package openstack_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/monhook/monhook/openstack"
)

// flaky answers 500 to the first `failures` requests, then 200.
func flaky(t *testing.T, failures int32) (*httptest.Server, *atomic.Int32) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= failures {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestRetryTransportRetriesIdempotentRequestsOn5xx(t *testing.T) {
	srv, calls := flaky(t, 2)
	c := &http.Client{Transport: &openstack.RetryTransport{Base: http.DefaultTransport, Backoff: time.Millisecond}}
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || calls.Load() != 3 {
		t.Errorf("status %d after %d calls, want 200 after 3", resp.StatusCode, calls.Load())
	}
}

func TestRetryTransportGivesUpAfterItsAttempts(t *testing.T) {
	srv, calls := flaky(t, 100)
	c := &http.Client{Transport: &openstack.RetryTransport{Base: http.DefaultTransport, Attempts: 3, Backoff: time.Millisecond}}
	req, _ := http.NewRequest(http.MethodPut, srv.URL, strings.NewReader(`{"a":1}`))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 500 || calls.Load() != 3 {
		t.Errorf("status %d after %d calls, want the 500 after 3", resp.StatusCode, calls.Load())
	}
}

func TestRetryTransportNeverRetriesPOST(t *testing.T) {
	srv, calls := flaky(t, 1)
	c := &http.Client{Transport: &openstack.RetryTransport{Base: http.DefaultTransport, Backoff: time.Millisecond}}
	resp, err := c.Post(srv.URL, "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 500 || calls.Load() != 1 {
		t.Errorf("status %d after %d calls: a POST must not be repeated", resp.StatusCode, calls.Load())
	}
}
