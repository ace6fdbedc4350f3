package openstack

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

// buildTLS makes the client TLS config for the environment path; the
// clouds.yaml path gets its config from gophercloud's parser.
func buildTLS(caCert string, insecure *bool) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if caCert != "" {
		pem, err := os.ReadFile(caCert)
		if err != nil {
			return nil, fmt.Errorf("CA bundle (--os-cacert / OS_CACERT): %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(bytes.TrimSpace(pem)) {
			return nil, fmt.Errorf("CA bundle %s (--os-cacert / OS_CACERT) holds no PEM certificate", caCert)
		}
		cfg.RootCAs = pool
	}
	if insecure != nil {
		cfg.InsecureSkipVerify = *insecure
	}
	return cfg, nil
}
