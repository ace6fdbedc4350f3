package webhook

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/wirecapture"
)

// TestRequestOnTheWire reads the raw request bytes: the headers python-
// requests sends, the lower-case content-type, HTTP/1.1, and the body as is.
func TestRequestOnTheWire(t *testing.T) {
	addr, request := wirecapture.Serve(t, "HTTP/1.1 204 No Content\r\n\r\n")
	body := sampleBody(FromThresh).Encode()
	s := &Sender{Client: NewClient(5*time.Second, nil)}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	attempts, err := s.Send(ctx, "http://"+addr+"/openstack/alerts", body)
	if err != nil || len(attempts) != 1 || !attempts[0].OK() || attempts[0].Status != 204 {
		t.Fatalf("Send = %+v, %v; want one 204", attempts, err)
	}
	r := request()
	if r.Line != "POST /openstack/alerts HTTP/1.1" {
		t.Errorf("request line %q", r.Line)
	}
	for _, want := range []string{
		"User-Agent: python-requests/2.28.1",
		"Accept: */*",
		"Accept-Encoding: gzip, deflate",
		"Connection: keep-alive",
		"content-type: application/json",
		"Content-Length: " + strconv.Itoa(len(body)),
	} {
		found := false
		for _, l := range r.Head {
			found = found || l == want
		}
		if !found {
			t.Errorf("header %q not sent; got %q", want, r.Head)
		}
	}
	if r.Body != string(body) {
		t.Errorf("body on the wire %q, want %q", r.Body, body)
	}
}

func TestSenderRetriesLikeMonasca(t *testing.T) {
	for _, tc := range []struct {
		name         string
		failFirst    int64
		retries      int
		wantAttempts int
		wantOK       bool
	}{
		{"first attempt ok", 0, 5, 1, true},
		{"two failures then ok", 2, 5, 3, true},
		{"no retries: one failure is final", 1, 0, 1, false},
		{"retries spent", 100, 2, 3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) <= tc.failFirst {
					w.WriteHeader(http.StatusInternalServerError)
				}
			}))
			defer srv.Close()
			var seen []int
			s := &Sender{Retries: tc.retries, RetryInterval: time.Millisecond, OnAttempt: func(a Attempt) { seen = append(seen, a.Status) }}
			attempts, err := s.Send(context.Background(), srv.URL, []byte("{}"))
			if err != nil {
				t.Fatal(err)
			}
			if len(attempts) != tc.wantAttempts || int(n.Load()) != tc.wantAttempts || len(seen) != tc.wantAttempts {
				t.Fatalf("%d attempts (server saw %d, OnAttempt %d), want %d", len(attempts), n.Load(), len(seen), tc.wantAttempts)
			}
			if last := attempts[len(attempts)-1]; last.OK() != tc.wantOK {
				t.Errorf("last attempt %+v OK=%v, want %v", last, last.OK(), tc.wantOK)
			}
		})
	}
}

func TestSenderCountsRedirectAnd3xxAsMonascaDoes(t *testing.T) {
	// requests follows a 307 and re-POSTs; the final 200 counts.
	final := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	}))
	defer final.Close()
	redir := httptest.NewServer(http.RedirectHandler(final.URL, http.StatusTemporaryRedirect))
	defer redir.Close()
	attempts, _ := (&Sender{}).Send(context.Background(), redir.URL, []byte("{}"))
	if !attempts[0].OK() {
		t.Errorf("307 to a 200: %+v, want OK", attempts[0])
	}
}

func TestSenderTimesOutWaitingForTheAnswer(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	s := &Sender{Client: NewClient(50*time.Millisecond, nil)}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	attempts, _ := s.Send(ctx, srv.URL, []byte("{}"))
	if a := attempts[0]; a.OK() || !a.TimedOut || !strings.Contains(a.Error, "timeout") {
		t.Errorf("attempt %+v, want a timeout failure marked TimedOut", a)
	}
}

func TestSenderConnectionErrorHidesTheURL(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	attempts, _ := (&Sender{}).Send(context.Background(), "http://"+addr+"/secret-token", []byte("{}"))
	a := attempts[0]
	if a.OK() || a.Error == "" || a.TimedOut {
		t.Fatalf("attempt %+v, want a connection error, not a timeout", a)
	}
	if strings.Contains(a.Error, "secret-token") {
		t.Errorf("error %q shows the URL's path", a.Error)
	}
}

func TestSenderStopsWhenContextEnds(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Sender{Retries: 5, RetryInterval: time.Hour, OnAttempt: func(Attempt) { cancel() }}
	attempts, err := s.Send(ctx, srv.URL, []byte("{}"))
	if err == nil || len(attempts) != 1 {
		t.Errorf("Send = %d attempts, %v; want 1 and the context's error", len(attempts), err)
	}
}

// A method with a period gets the same body again every period; each send
// has its own retries, and each attempt says which send it belongs to.
func TestSenderRepeatSendsNTimesEachWithItsRetries(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 1 { // every send's first attempt fails
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	var seen []string
	s := &Sender{Retries: 1, RetryInterval: time.Millisecond, OnAttempt: func(a Attempt) {
		seen = append(seen, strconv.Itoa(a.Send)+"."+strconv.Itoa(a.Number)+"="+strconv.Itoa(a.Status))
	}}
	sends, err := s.Repeat(context.Background(), srv.URL, []byte("{}"), 3, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if len(sends) != 3 || n.Load() != 6 {
		t.Fatalf("%d sends, server saw %d posts; want 3 and 6", len(sends), n.Load())
	}
	for i, attempts := range sends {
		if len(attempts) != 2 || !attempts[1].OK() || attempts[0].Send != i+1 {
			t.Errorf("send %d: %+v, want a failure then a success", i+1, attempts)
		}
	}
	if got := strings.Join(seen, " "); got != "1.1=503 1.2=200 2.1=503 2.2=200 3.1=503 3.2=200" {
		t.Errorf("OnAttempt saw %s", got)
	}
}

func TestSenderRepeatStopsWhenContextEndsBetweenSends(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Sender{OnAttempt: func(Attempt) { cancel() }}
	type result struct {
		sends [][]Attempt
		err   error
	}
	done := make(chan result, 1)
	go func() {
		sends, err := s.Repeat(ctx, srv.URL, []byte("{}"), 3, time.Hour)
		done <- result{sends, err}
	}()
	select {
	case r := <-done:
		if r.err == nil || len(r.sends) != 1 {
			t.Errorf("Repeat = %d sends, %v; want 1 and the context's error", len(r.sends), r.err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Repeat kept waiting for the next send after the context ended")
	}
}
