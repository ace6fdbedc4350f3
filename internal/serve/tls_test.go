package serve

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSignedPair writes a self-signed certificate for 127.0.0.1 and its key.
func selfSignedPair(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "monhook serve test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
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
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// Monasca's sender verifies the receiver's certificate against its host's
// CA store; the lab's does the same. A certificate it does not trust must
// fail the probe at the delivery stage, saying so.
func TestUntrustedTLSReceiverFailsAtDeliveryNamingTheCertificate(t *testing.T) {
	l := startLab(t)
	cert, key := selfSignedPair(t)
	s := startServer(t, l, Config{TLSCert: cert, TLSKey: key})
	a := get(t, probeURL(s, "synthetic", "debug=true"), scrapeTimeoutHeader, "10")
	for _, want := range []string{"monhook_probe_success 0", `monhook_stage_success{stage="delivery"} 0`,
		"https://127.0.0.1:", "rejected our certificate"} {
		if !strings.Contains(a.body, want) {
			t.Errorf("debug page lacks %q:\n%s", want, a.body)
		}
	}
	exp := parseMetrics(t, get(t, s.URL()+"/metrics").body)
	if mustValue(t, exp, "monhook_receiver_tls_errors_total") < 1 {
		t.Error("no failed handshake counted")
	}
	l.assertClean(t)
}
