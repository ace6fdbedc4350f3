package loadgen

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/monhook/monhook/receiver"
)

func TestHistogramQuantilesAreWithinBucketPrecision(t *testing.T) {
	var h Histogram
	for i := 1; i <= 10000; i++ {
		h.Record(time.Duration(i) * time.Microsecond)
	}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 5000 * time.Microsecond}, {0.99, 9900 * time.Microsecond}, {1, 10000 * time.Microsecond}} {
		got := h.Quantile(tc.q)
		if got < tc.want || float64(got) > float64(tc.want)*1.07 {
			t.Errorf("Quantile(%v) = %v, want within 7%% above %v", tc.q, got, tc.want)
		}
	}
	if h.Max() != 10*time.Millisecond || h.Count() != 10000 {
		t.Fatalf("max %v count %d", h.Max(), h.Count())
	}
}

func TestHistogramBucketsCoverEveryValue(t *testing.T) {
	for _, v := range []uint64{0, 1, 31, 32, 33, 1000, 1 << 40, 1<<63 - 1, 1<<64 - 1} {
		i := bucketOf(v)
		if i < 0 || i >= histBuckets || upperBound(i) < v || (i > 0 && upperBound(i-1) >= v) {
			t.Errorf("value %d: bucket %d, bounds (%d, %d]", v, i, upperBound(max(i-1, 0)), upperBound(i))
		}
	}
}

func TestNotificationsAreMonascaShaped(t *testing.T) {
	for i := range 4 {
		n, findings, err := receiver.Validate(Notification(i))
		if err != nil || len(findings) != 0 {
			t.Fatalf("Notification(%d): %v %+v", i, err, findings)
		}
		if want := map[bool]string{true: "ALARM", false: "OK"}[i%2 == 0]; n.State != want {
			t.Fatalf("Notification(%d).state = %s, want %s", i, n.State, want)
		}
	}
}

func TestRunCountsAnswers(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v map[string]any
		if json.NewDecoder(r.Body).Decode(&v) != nil {
			w.WriteHeader(400)
			return
		}
		if n.Add(1)%10 == 0 {
			w.WriteHeader(500)
		}
	}))
	defer srv.Close()
	res, err := Run(context.Background(), Config{URL: srv.URL, Concurrency: 16, Requests: 500})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 500 || res.Acked != 450 || res.Rejected != 50 || res.Errors != 0 || res.Latencies.Count() != 500 {
		t.Fatalf("result = %s", res)
	}
}

func TestRunCountsConnectionErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	res, err := Run(context.Background(), Config{URL: url, Concurrency: 2, Requests: 4})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != 4 || res.Acked != 0 || res.FirstErr == "" {
		t.Fatalf("result = %s (%q)", res, res.FirstErr)
	}
}

func TestRunRejectsAnEmptyConfig(t *testing.T) {
	if _, err := Run(context.Background(), Config{URL: "http://x"}); err == nil {
		t.Fatal("no Requests and no Duration accepted")
	}
}
