package testcert_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/monhook/monhook/internal/testcert"
)

// The pair serves HTTPS on 127.0.0.1; a client trusting pool gets through,
// one with the system's CAs does not.
func TestSelfSignedServesLoopbackTrustedOnlyByItsPool(t *testing.T) {
	certFile, keyFile, pool := testcert.SelfSigned(t)
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	srv.StartTLS()
	defer srv.Close()
	trusting := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := trusting.Get(srv.URL)
	if err != nil {
		t.Fatalf("a client trusting the pool: %v", err)
	}
	resp.Body.Close()
	if resp, err := (&http.Client{Transport: &http.Transport{}}).Get(srv.URL); err == nil {
		resp.Body.Close()
		t.Error("a client with the system's CAs trusted the self-signed certificate")
	}
}
