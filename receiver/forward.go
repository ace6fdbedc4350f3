package receiver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// forwarder relays delivery bodies to a real consumer.
type forwarder struct {
	url     string
	timeout time.Duration
	client  *http.Client
	own     *http.Transport // closed on close when we made it
}

// relayedHeaders are passed on: the consumer may check Monasca's token.
var relayedHeaders = []string{"Content-Type", "User-Agent", "X-Auth-Token"}

func newForwarder(target string, timeout time.Duration, client *http.Client) (*forwarder, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("receiver: forward URL %q must be an absolute http(s) URL", target)
	}
	f := &forwarder{url: target, timeout: timeout, client: client}
	if client == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64 // deliveries arrive concurrently
		f.own = t
		f.client = &http.Client{Transport: t}
	}
	return f, nil
}

func (f *forwarder) relay(ctx context.Context, body []byte, h http.Header) *ForwardResult {
	res := &ForwardResult{URL: f.url}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.url, bytes.NewReader(body))
	if err != nil {
		res.Error = err.Error()
		return res
	}
	for _, k := range relayedHeaders {
		if v := h.Values(k); len(v) > 0 {
			req.Header[k] = v
		}
	}
	start := time.Now()
	resp, err := f.client.Do(req)
	if err != nil {
		res.Latency = time.Since(start)
		res.Error = err.Error()
		return res
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // keep the connection reusable
	resp.Body.Close()
	res.Latency = time.Since(start)
	res.Status = resp.StatusCode
	return res
}

func (f *forwarder) close() {
	if f.own != nil {
		f.own.CloseIdleConnections()
	}
}
