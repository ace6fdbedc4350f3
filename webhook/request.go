package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"time"
)

// Header values python-requests sends with requests.post(url, data=...,
// headers={'content-type': 'application/json'}). UserAgent is the version
// Debian 12 (and the Ubuntu/Kolla images of the same era) ship; the plugin
// itself sets only the content type, in lower case.
const (
	UserAgent      = "python-requests/2.28.1"
	Accept         = "*/*"
	AcceptEncoding = "gzip, deflate"
	Connection     = "keep-alive"
	ContentType    = "application/json"
)

// DefaultTimeout is [webhook_notifier] timeout: requests applies it to the
// connection and to the wait for the answer.
const DefaultTimeout = 5 * time.Second

// NewRequest builds the POST the plugin makes. Header names are written as
// requests writes them ("content-type" in lower case is kept on the wire);
// Go sorts the headers, so only their order differs from Python's.
func NewRequest(ctx context.Context, url string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	SetHeaders(req.Header)
	return req, nil
}

// SetHeaders sets the headers requests.post sends for the plugin: the
// session defaults (requests.utils.default_headers), then the plugin's own
// {'content-type': 'application/json'}, whose lower-case name requests keeps
// on the wire. Go adds Host and Content-Length.
func SetHeaders(h http.Header) {
	h.Set("User-Agent", UserAgent)
	h.Set("Accept-Encoding", AcceptEncoding)
	h.Set("Accept", Accept)
	h.Set("Connection", Connection)
	h["content-type"] = []string{ContentType}
}

// NewClient returns a client that behaves like requests in the plugin:
// HTTP/1.1 only, certificates verified against the system roots (the plugin
// has no insecure or CA option; SSL_CERT_FILE adds a CA for Go as
// REQUESTS_CA_BUNDLE does for Python), timeout on connect and on the wait
// for the answer, redirects followed. tlsConfig may be nil.
func NewClient(timeout time.Duration, tlsConfig *tls.Config) *http.Client {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment, // requests honours *_proxy too
		DialContext:           dialer.DialContext,
		TLSClientConfig:       tlsConfig,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		// An empty, non-nil map turns HTTP/2 off: requests speaks HTTP/1.1.
		TLSNextProto: map[string]func(string, *tls.Conn) http.RoundTripper{},
	}
	return &http.Client{Transport: t}
}
