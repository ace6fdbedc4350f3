package receiver

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func startReceiver(t *testing.T, opts Options) *Receiver {
	t.Helper()
	r, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestCallbackURLUsesTheRouteTowardTheAPIHost(t *testing.T) {
	r := startReceiver(t, Options{Listen: "127.0.0.1:0", Token: "abc"})
	port := r.Addr().(*net.TCPAddr).Port
	if got, want := r.CallbackURL(), "http://127.0.0.1:"+itoa(port)+"/abc"; got != want {
		t.Fatalf("CallbackURL = %q, want %q", got, want)
	}

	// Listening on all interfaces: the host comes from the route toward
	// RouteTo, here loopback.
	r2 := startReceiver(t, Options{Listen: "127.0.0.1:0", RouteTo: "127.0.0.1:8070", Token: "abc"})
	if !strings.HasPrefix(r2.CallbackURL(), "http://127.0.0.1:") {
		t.Fatalf("CallbackURL = %q", r2.CallbackURL())
	}
	host, _, err := callbackHost(net.IPv4zero, "http://127.0.0.1:8070/v2.0")
	if err != nil || host != "127.0.0.1" {
		t.Fatalf("callbackHost toward a loopback URL = %q, %v", host, err)
	}
	if _, guessed, _ := callbackHost(net.IPv4zero, ""); !guessed {
		t.Fatal("no RouteTo and no callback URL must be flagged as a guess")
	}
}

func TestExplicitCallbackURLKeepsItsPrefix(t *testing.T) {
	r := startReceiver(t, Options{Listen: "127.0.0.1:0", CallbackURL: "https://hooks.example.com:8443/monhook/", Token: "abc"})
	if got, want := r.CallbackURL(), "https://hooks.example.com:8443/monhook/abc"; got != want {
		t.Fatalf("CallbackURL = %q, want %q", got, want)
	}
	if r.CallbackPath() != "/monhook/abc" {
		t.Fatalf("CallbackPath = %q", r.CallbackPath())
	}
	if len(r.Warnings()) != 0 {
		t.Fatalf("warnings = %v", r.Warnings())
	}
}

func TestDeliveryOverTheNetwork(t *testing.T) {
	r := startReceiver(t, Options{Listen: "127.0.0.1:0"})
	resp, err := http.Post(r.CallbackURL(), "application/json", strings.NewReader(monascaBody))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	ds := r.Deliveries()
	if len(ds) != 1 || !strings.HasPrefix(ds[0].Remote, "127.0.0.1:") {
		t.Fatalf("deliveries = %+v", ds)
	}
}

func TestCloseDrainsInFlightRequests(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	// A failure below must not leave the handler blocked, or the
	// receiver's cleanup would wait for it forever.
	releaseOnce := sync.OnceFunc(func() { close(release) })
	defer releaseOnce()
	r := startReceiver(t, Options{Listen: "127.0.0.1:0", OnDelivery: func(Delivery) {
		close(entered)
		<-release
	}})
	type result struct {
		code int
		err  error
	}
	resc := make(chan result)
	go func() {
		resp, err := http.Post(r.CallbackURL(), "application/json", strings.NewReader(monascaBody))
		if err != nil {
			resc <- result{err: err}
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		resc <- result{code: resp.StatusCode}
	}()
	within(t, entered, "the request reaching the handler")
	closed := make(chan error)
	go func() { closed <- r.Close() }()
	select {
	case <-closed:
		t.Fatal("Close returned while a request was in flight")
	case res := <-resc:
		t.Fatalf("request finished before release: %+v", res)
	default:
	}
	releaseOnce()
	if res := within(t, resc, "the in-flight request finishing"); res.err != nil || res.code != 200 {
		t.Fatalf("in-flight request got %+v, want 200", res)
	}
	if err := within(t, closed, "Close returning"); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if _, err := http.Post(r.CallbackURL(), "application/json", strings.NewReader(monascaBody)); err == nil {
		t.Fatal("closed receiver still accepts connections")
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
