package receiver

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"strings"
	"testing"

	"github.com/monhook/monhook/internal/testcert"
)

func startMux(t *testing.T) *Mux {
	t.Helper()
	m := NewMux(MuxOptions{Listen: "127.0.0.1:0"})
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func postURL(t *testing.T, url, body string) int {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestMuxRoutesEachRunToItsOwnReceiverOnOnePort(t *testing.T) {
	m := startMux(t)
	a := startReceiver(t, Options{Mux: m, Token: "tokA"})
	b := startReceiver(t, Options{Mux: m, Token: "tokB"})
	if a.Addr().String() != m.Addr().String() || b.Addr().String() != m.Addr().String() {
		t.Fatalf("receivers on %s and %s, mux on %s: want one port", a.Addr(), b.Addr(), m.Addr())
	}
	if !strings.HasSuffix(a.CallbackURL(), m.Addr().String()+"/tokA") {
		t.Fatalf("callback URL %q does not name the mux's port and the run's token", a.CallbackURL())
	}
	if got := postURL(t, a.CallbackURL(), monascaBody); got != http.StatusOK {
		t.Fatalf("delivery to run A answered %d", got)
	}
	if len(a.Deliveries()) != 1 || len(b.Deliveries()) != 0 {
		t.Fatalf("A has %d deliveries, B %d: want 1 and 0", len(a.Deliveries()), len(b.Deliveries()))
	}
	if got := postURL(t, "http://"+m.Addr().String()+"/guess", monascaBody); got != http.StatusNotFound || m.Unrouted() != 1 {
		t.Fatalf("unknown path answered %d, unrouted %d: want 404 and 1", got, m.Unrouted())
	}
	if m.Routes() != 2 {
		t.Fatalf("routes = %d, want 2", m.Routes())
	}
}

func TestClosedReceiverLeavesTheMuxAndTheMuxKeepsServing(t *testing.T) {
	m := startMux(t)
	a := startReceiver(t, Options{Mux: m, Token: "tokA"})
	b := startReceiver(t, Options{Mux: m, Token: "tokB"})
	url := a.CallbackURL()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if got := postURL(t, url, monascaBody); got != http.StatusNotFound {
		t.Fatalf("a delivery for a closed run answered %d, want 404", got)
	}
	if len(a.Deliveries()) != 0 {
		t.Fatal("a closed run still recorded a delivery")
	}
	if got := postURL(t, b.CallbackURL(), monascaBody); got != http.StatusOK || len(b.Deliveries()) != 1 {
		t.Fatalf("the other run's delivery answered %d with %d recorded", got, len(b.Deliveries()))
	}
	if m.Routes() != 1 {
		t.Fatalf("routes = %d, want 1", m.Routes())
	}
}

func TestMuxReceiverRejectsOwnListenerAndUnstartedMux(t *testing.T) {
	m := NewMux(MuxOptions{Listen: "127.0.0.1:0"})
	if _, err := New(Options{Mux: m, Listen: ":8080"}); err == nil {
		t.Fatal("a mux receiver with its own listen address was accepted")
	}
	r, err := New(Options{Mux: m})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(); err == nil {
		t.Fatal("a receiver started on a mux that does not serve")
	}
	dup := startMux(t)
	startReceiver(t, Options{Mux: dup, Token: "same"})
	r2, _ := New(Options{Mux: dup, Token: "same"})
	if err := r2.Start(); err == nil || strings.Contains(err.Error(), "same") {
		t.Fatalf("a second run on the same path: err %v (want an error that does not print the token)", err)
	}
}

func TestTLSMuxGivesEveryRunAnHTTPSCallback(t *testing.T) {
	certFile, keyFile, pool := testcert.SelfSigned(t)
	m := NewMux(MuxOptions{Listen: "127.0.0.1:0", TLSCert: certFile, TLSKey: keyFile})
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	r := startReceiver(t, Options{Mux: m, Token: "tokA"})
	assertTrustedDelivery(t, r, pool)
	// A sender that does not trust the certificate, as Monasca without our CA.
	strict := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: x509.NewCertPool()}}}
	if _, err := strict.Post(r.CallbackURL(), "application/json", strings.NewReader(monascaBody)); err == nil {
		t.Fatal("a client without our CA accepted the certificate")
	}
	// Close waits for the failed connection's goroutine, which counts.
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if m.TLSErrors() != 1 || len(r.TLSErrors()) != 1 || !strings.Contains(r.TLSErrors()[0].Hint, "rejected our certificate") {
		t.Fatalf("TLS errors: mux %d, run %+v; want 1 each, told to the waiting run", m.TLSErrors(), r.TLSErrors())
	}
	if _, err := New(Options{Mux: m, CallbackURL: "http://hooks.example.com"}); err != nil {
		t.Fatal(err)
	}
	m2 := NewMux(MuxOptions{Listen: "127.0.0.1:0", TLSCert: certFile, TLSKey: keyFile})
	if err := m2.Start(); err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	plain, _ := New(Options{Mux: m2, CallbackURL: "http://hooks.example.com"})
	if err := plain.Start(); err == nil || m2.Routes() != 0 {
		t.Fatalf("an http callback URL on a TLS mux: %v (routes %d)", err, m2.Routes())
	}
}
