package receiver

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func startedReceiver(t *testing.T, opts Options) *Receiver {
	t.Helper()
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1:0"
	}
	r, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

func probeCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestProbeCallbackReachesItsOwnReceiverAndIsNoDelivery(t *testing.T) {
	r := startedReceiver(t, Options{})
	res := r.ProbeCallback(probeCtx(t), nil)
	if !res.Reached || res.Status != http.StatusNoContent || res.Error != "" {
		t.Fatalf("probe = %+v, want reached with 204", res)
	}
	if n := len(r.Deliveries()) + len(r.Strays()); n != 0 {
		t.Fatalf("the probe was recorded as %d deliveries/strays", n)
	}
}

// The recipe's receivers answer 200 to anything: the probe must not take
// that for its own receiver.
func TestProbeCallbackToAnotherServiceNamesWhatAnswered(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Server", "BaseHTTP/0.6 Python/3.11.2")
		_, _ = w.Write([]byte("logged"))
	}))
	defer other.Close()
	r := startedReceiver(t, Options{CallbackURL: other.URL})
	res := r.ProbeCallback(probeCtx(t), nil)
	if res.Reached || res.Status != 200 || res.Server != "BaseHTTP/0.6 Python/3.11.2" || res.Body != "logged" {
		t.Fatalf("probe = %+v, want not reached, 200 from the Python server", res)
	}
}

// A service that echoes request headers back still cannot make the probe
// pass: our receiver must have counted the probe itself.
func TestProbeCallbackToAnEchoingServiceIsNotReached(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set(ProbeHeader, req.Header.Get(ProbeHeader))
		w.WriteHeader(http.StatusNoContent)
	}))
	defer echo.Close()
	r := startedReceiver(t, Options{CallbackURL: echo.URL})
	if res := r.ProbeCallback(probeCtx(t), nil); res.Reached {
		t.Fatalf("probe = %+v, want not reached", res)
	}
}

func TestProbeCallbackToAClosedPortSaysRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r := startedReceiver(t, Options{CallbackURL: "http://" + addr})
	res := r.ProbeCallback(probeCtx(t), nil)
	if res.Reached || res.Status != 0 || !strings.Contains(res.Error, "connection refused") {
		t.Fatalf("probe = %+v, want connection refused", res)
	}
	if strings.Contains(res.Error, r.CallbackURL()) {
		t.Fatalf("error %q carries the token URL", res.Error)
	}
}

// A request carrying a stale or guessed nonce is handled as any other
// request on the callback path.
func TestProbeHeaderWithoutTheNonceIsAnOrdinaryRequest(t *testing.T) {
	r := newTestReceiver(t, Options{})
	defer r.Close()
	rec := post(r, "/tok", monascaBody, http.Header{ProbeHeader: {"guess"}})
	if rec.Code != 200 || len(r.Deliveries()) != 1 {
		t.Fatalf("answer %d, %d deliveries; want an ordinary delivery", rec.Code, len(r.Deliveries()))
	}
}

// A service that echoes the request path (a Node app's "Cannot POST
// /openstack/alerts/<token>") does not get the token printed.
func TestProbeCallbackKeepsTheTokenOutOfTheAnswer(t *testing.T) {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("Cannot POST " + req.URL.Path))
	}))
	defer echo.Close()
	r := startedReceiver(t, Options{CallbackURL: echo.URL + "/openstack/alerts"})
	res := r.ProbeCallback(probeCtx(t), nil)
	tok := r.CallbackURL()[strings.LastIndex(r.CallbackURL(), "/")+1:]
	if strings.Contains(res.Body, tok) || !strings.HasPrefix(res.Body, "Cannot POST /openstack/alerts/…"+tok[len(tok)-4:]) {
		t.Fatalf("answer %q shows the token %s", res.Body, tok)
	}
}
