package receiver

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a self-signed certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "monhook test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestTLSServesTrustedClientsAndWarnsAboutSelfSigned(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	r := startReceiver(t, Options{Listen: "127.0.0.1:0", TLSCert: certFile, TLSKey: keyFile})
	if !strings.HasPrefix(r.CallbackURL(), "https://127.0.0.1:") {
		t.Fatalf("CallbackURL = %q", r.CallbackURL())
	}
	if w := strings.Join(r.Warnings(), "\n"); !strings.Contains(w, "self-signed") {
		t.Fatalf("warnings = %q, want a self-signed warning", w)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Post(r.CallbackURL(), "application/json", strings.NewReader(monascaBody))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || len(r.Deliveries()) != 1 {
		t.Fatalf("status %d, deliveries %d", resp.StatusCode, len(r.Deliveries()))
	}
}

func TestTLSHandshakeFailuresAreRecorded(t *testing.T) {
	certFile, keyFile, _ := selfSigned(t)
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
	certFile, keyFile, _ := selfSigned(t)
	r := startReceiver(t, Options{Listen: "127.0.0.1:0", TLSCert: certFile, TLSKey: keyFile, CallbackURL: "https://hooks.example.com"})
	if w := strings.Join(r.Warnings(), "\n"); !strings.Contains(w, "does not cover the callback host hooks.example.com") {
		t.Fatalf("warnings = %q", w)
	}
}
