package receiver

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"strings"
	"testing"

	"github.com/monhook/monhook/internal/testcert"
)

func TestTLSServesTrustedClientsAndWarnsAboutSelfSigned(t *testing.T) {
	certFile, keyFile, pool := testcert.SelfSigned(t)
	r := startReceiver(t, Options{Listen: "127.0.0.1:0", TLSCert: certFile, TLSKey: keyFile})
	assertTrustedDelivery(t, r, pool)
}

// assertTrustedDelivery checks a receiver serving a self-signed certificate:
// an https callback URL, a warning saying so, and a delivery from a sender
// trusting pool.
func assertTrustedDelivery(t *testing.T, r *Receiver, pool *x509.CertPool) {
	t.Helper()
	if !strings.HasPrefix(r.CallbackURL(), "https://127.0.0.1:") {
		t.Fatalf("CallbackURL = %q, want https", r.CallbackURL())
	}
	if w := strings.Join(r.Warnings(), "\n"); !strings.Contains(w, "self-signed") {
		t.Fatalf("warnings = %q, want a self-signed warning", w)
	}
	trusting := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := trusting.Post(r.CallbackURL(), "application/json", strings.NewReader(monascaBody))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || len(r.Deliveries()) != 1 {
		t.Fatalf("status %d, deliveries %d", resp.StatusCode, len(r.Deliveries()))
	}
}

func TestTLSHandshakeFailuresAreRecorded(t *testing.T) {
	certFile, keyFile, _ := testcert.SelfSigned(t)
	r := startReceiver(t, Options{Listen: "127.0.0.1:0", TLSCert: certFile, TLSKey: keyFile})

	// A sender verifying against its own CA store, like Monasca's.
	strict := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: x509.NewCertPool()}}}
	if _, err := strict.Post(r.CallbackURL(), "application/json", strings.NewReader(monascaBody)); err == nil {
		t.Fatal("a client without our CA accepted the certificate")
	}
	// A sender speaking plain HTTP to the TLS port.
	plain := strings.Replace(r.CallbackURL(), "https://", "http://", 1)
	if resp, err := http.Post(plain, "application/json", strings.NewReader(monascaBody)); err == nil {
		resp.Body.Close()
	}
	// Close waits for the failed connections' goroutines, which record.
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	errs := r.TLSErrors()
	if len(errs) != 2 || r.Stats().TLSErrors != 2 {
		t.Fatalf("TLS errors = %+v", errs)
	}
	// The two connections fail on their own goroutines, in either order.
	hints := map[string]bool{}
	for _, e := range errs {
		if !strings.HasPrefix(e.Remote, "127.0.0.1:") || e.Error == "" {
			t.Fatalf("TLS error %+v lacks the peer or the error", e)
		}
		switch {
		case strings.Contains(e.Hint, "rejected our certificate"):
			hints["rejected"] = true
		case strings.Contains(e.Hint, "did not speak TLS"):
			hints["plain"] = true
		}
	}
	if !hints["rejected"] || !hints["plain"] {
		t.Fatalf("TLS errors = %+v, want one rejected certificate and one plain-HTTP peer", errs)
	}
	if len(r.Deliveries()) != 0 {
		t.Fatal("failed handshakes produced deliveries")
	}
}

func TestTLSCallbackHostOutsideTheCertificateIsWarned(t *testing.T) {
	certFile, keyFile, _ := testcert.SelfSigned(t)
	r := startReceiver(t, Options{Listen: "127.0.0.1:0", TLSCert: certFile, TLSKey: keyFile, CallbackURL: "https://hooks.example.com"})
	if w := strings.Join(r.Warnings(), "\n"); !strings.Contains(w, "does not cover the callback host hooks.example.com") {
		t.Fatalf("warnings = %q", w)
	}
}
