package receiver

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func newTestReceiver(t *testing.T, opts Options) *Receiver {
	t.Helper()
	if opts.Token == "" {
		opts.Token = "tok"
	}
	r, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func post(r http.Handler, path, body string, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	return rec
}

func TestDeliveryIsRecordedWithSecretsRedacted(t *testing.T) {
	var seen []Delivery
	r := newTestReceiver(t, Options{OnDelivery: func(d Delivery) { seen = append(seen, d) }})
	rec := post(r, "/tok", monascaBody, http.Header{"X-Auth-Token": {"gAAAAsecret"}, "User-Agent": {"python-requests/2.31"}})
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	ds := r.Deliveries()
	if len(ds) != 1 || len(seen) != 1 {
		t.Fatalf("history %d, OnDelivery %d; want 1 each", len(ds), len(seen))
	}
	d := ds[0]
	if d.Seq != 1 || d.Method != "POST" || d.Path != "/tok" || d.Status != 200 || string(d.Body) != monascaBody {
		t.Fatalf("delivery = %+v", d)
	}
	if got := d.Headers.Get("X-Auth-Token"); got != Redacted {
		t.Fatalf("X-Auth-Token = %q, want redacted", got)
	}
	if d.Headers.Get("User-Agent") != "python-requests/2.31" {
		t.Fatalf("User-Agent lost: %v", d.Headers)
	}
	if d.Notification == nil || d.Notification.AlarmDefinitionID != "78ce7b53" || len(d.Findings) != 0 {
		t.Fatalf("notification %+v findings %+v", d.Notification, d.Findings)
	}
	if s := r.Stats(); s.Deliveries != 1 || s.Strays != 0 {
		t.Fatalf("stats = %+v", s)
	}
}

func TestClassicCurlPayloadIsAcceptedAndFlagged(t *testing.T) {
	r := newTestReceiver(t, Options{})
	if rec := post(r, "/tok", classicCurlBody, nil); rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	d := r.Deliveries()[0]
	keys := map[string]bool{}
	for _, f := range d.Findings {
		keys[f.Key] = true
	}
	if !keys["alarm_timestamp"] || !keys["metrics"] {
		t.Fatalf("findings = %+v, want alarm_timestamp and metrics flagged", d.Findings)
	}
}

func TestBadRequestsBecomeStrays(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		path       string
		body       string
		wantStatus int
		wantReason string
	}{
		{"other path", http.MethodPost, "/guess", monascaBody, 404, StrayWrongPath},
		{"token as prefix only", http.MethodPost, "/tok/x", monascaBody, 404, StrayWrongPath},
		{"GET on the callback path", http.MethodGet, "/tok", "", 405, StrayWrongMethod},
		{"PUT on the callback path", http.MethodPut, "/tok", monascaBody, 405, StrayWrongMethod},
		{"body over the limit", http.MethodPost, "/tok", `{"alarm_id":"` + strings.Repeat("x", 200) + `"}`, 413, StrayOversized},
		{"not JSON", http.MethodPost, "/tok", "alarm=1", 400, StrayMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var told []Stray
			r := newTestReceiver(t, Options{MaxBody: 100, OnStray: func(s Stray) { told = append(told, s) }})
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if len(r.Deliveries()) != 0 {
				t.Fatalf("a stray was recorded as a delivery")
			}
			strays := r.Strays()
			if len(strays) != 1 || strays[0].Reason != tt.wantReason || strays[0].Status != tt.wantStatus || strays[0].Path != tt.path {
				t.Fatalf("strays = %+v", strays)
			}
			if len(told) != 1 || told[0] != strays[0] {
				t.Fatalf("OnStray told %+v", told)
			}
			if tt.wantStatus == 405 && rec.Header().Get("Allow") != "POST" {
				t.Fatalf("Allow = %q", rec.Header().Get("Allow"))
			}
			s := r.Stats()
			if s.Strays != 1 || s.Deliveries != 0 ||
				(s.Malformed == 1) != (tt.wantReason == StrayMalformed) || (s.Oversized == 1) != (tt.wantReason == StrayOversized) {
				t.Fatalf("stats = %+v", s)
			}
		})
	}
}

func TestFailFirstThenRespondStatus(t *testing.T) {
	r := newTestReceiver(t, Options{FailFirst: 2, RespondStatus: http.StatusAccepted})
	var got []int
	for range 4 {
		got = append(got, post(r, "/tok", monascaBody, nil).Code)
	}
	want := []int{500, 500, 202, 202}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("statuses = %v, want %v", got, want)
		}
	}
	for i, d := range r.Deliveries() {
		if d.Status != want[i] {
			t.Fatalf("delivery %d records status %d, want %d", i, d.Status, want[i])
		}
	}
}

func TestDelayHoldsTheAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newTestReceiver(t, Options{Delay: 3 * time.Second})
		done := make(chan int)
		start := time.Now()
		go func() { done <- post(r, "/tok", monascaBody, nil).Code }()
		synctest.Wait()
		select {
		case <-done:
			t.Fatal("answered before the delay elapsed")
		default:
		}
		// The delivery is recorded on arrival, before the delayed answer.
		if n := len(r.Deliveries()); n != 1 {
			t.Fatalf("deliveries during delay = %d, want 1", n)
		}
		if code := <-done; code != http.StatusOK {
			t.Fatalf("status = %d", code)
		}
		// In the bubble time moves only when every goroutine waits, so the
		// answer came exactly when the delay ran out.
		if held := time.Since(start); held != 3*time.Second {
			t.Fatalf("answer held %v, want 3s", held)
		}
	})
}

func TestMissingContentTypeIsAFinding(t *testing.T) {
	r := newTestReceiver(t, Options{})
	req := httptest.NewRequest(http.MethodPost, "/tok", strings.NewReader(monascaBody))
	r.ServeHTTP(httptest.NewRecorder(), req)
	f := r.Deliveries()[0].Findings
	if len(f) != 1 || f[0].Code != FindingContentType {
		t.Fatalf("findings = %+v", f)
	}
}

func TestHistoryIsBounded(t *testing.T) {
	r := newTestReceiver(t, Options{History: 3})
	for range 5 {
		post(r, "/tok", monascaBody, nil)
		post(r, "/nope", "", nil)
	}
	ds := r.Deliveries()
	if len(ds) != 3 || ds[0].Seq != 3 || ds[2].Seq != 5 {
		t.Fatalf("history seqs = %v, want the last three (3..5)", seqs(ds))
	}
	if n := len(r.Strays()); n != 3 {
		t.Fatalf("strays kept = %d, want 3", n)
	}
	if s := r.Stats(); s.Deliveries != 5 || s.Strays != 5 {
		t.Fatalf("stats = %+v, counters must not be bounded", s)
	}
}

func seqs(ds []Delivery) []int {
	var out []int
	for _, d := range ds {
		out = append(out, d.Seq)
	}
	return out
}

func TestNewRejectsBadOptions(t *testing.T) {
	for name, o := range map[string]Options{
		"token with slash":      {Token: "a/b"},
		"ftp callback":          {CallbackURL: "ftp://h/x"},
		"callback without host": {CallbackURL: "http:///x"},
		"status 42":             {RespondStatus: 42},
		"negative fail-first":   {FailFirst: -1},
		"cert without key":      {TLSCert: "c.pem"},
		"relative forward":      {ForwardTo: "/x"},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("%s: New succeeded, want an error", name)
		}
	}
}

func TestRandomTokensDiffer(t *testing.T) {
	a, _ := New(Options{})
	b, _ := New(Options{})
	if a.CallbackPath() == b.CallbackPath() || len(a.CallbackPath()) < 20 {
		t.Fatalf("paths %q and %q: want distinct 128-bit tokens", a.CallbackPath(), b.CallbackPath())
	}
}

func TestPersistFailureIsNotAcknowledged(t *testing.T) {
	var saved []int
	fail := true
	r := newTestReceiver(t, Options{Persist: func(d Delivery) error {
		if fail {
			return errors.New("disk full")
		}
		saved = append(saved, d.Seq)
		return nil
	}})
	if code := post(r, "/tok", monascaBody, nil).Code; code != http.StatusServiceUnavailable {
		t.Fatalf("status with failing Persist = %d, want 503 so the sender retries", code)
	}
	fail = false
	if code := post(r, "/tok", monascaBody, nil).Code; code != http.StatusOK {
		t.Fatalf("status = %d", code)
	}
	ds := r.Deliveries()
	if ds[0].Status != 503 || ds[0].Findings[0].Code != FindingNotSaved || len(saved) != 1 || saved[0] != 2 {
		t.Fatalf("deliveries %+v, saved %v", ds, saved)
	}
}

func TestCloseAnswersDelayedRequestsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newTestReceiver(t, Options{Delay: time.Hour})
		done := make(chan int)
		start := time.Now()
		go func() { done <- post(r, "/tok", monascaBody, nil).Code }()
		synctest.Wait()
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if code := <-done; code != http.StatusOK {
			t.Fatalf("status = %d", code)
		}
		if held := time.Since(start); held != 0 {
			t.Fatalf("answer held %v after Close, want at once", held)
		}
	})
}
