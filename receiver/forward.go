package receiver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ForwardBodyLimit bounds the part of a consumer's answer kept in
// ForwardResult.Body: enough for an error message, never a whole page.
const ForwardBodyLimit = 200

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
		res.TimedOut = errors.Is(err, context.DeadlineExceeded) || isTimeout(err)
		res.Error = describeRelayError(err, res.TimedOut, f.timeout)
		return res
	}
	res.Body = readAnswer(resp)
	res.Latency = time.Since(start)
	res.Status = resp.StatusCode
	return res
}

func (f *forwarder) close() {
	if f.own != nil {
		f.own.CloseIdleConnections()
	}
}

// OK reports whether the consumer took the delivery: it answered 2xx.
func (f *ForwardResult) OK() bool {
	return f != nil && f.Error == "" && f.Status >= 200 && f.Status <= 299
}

// Problem says in a few words what went wrong with the relay: "connection
// refused", "no answer within 4s", "answered 404 Not Found: <body>"; ""
// when the consumer answered 2xx.
func (f *ForwardResult) Problem() string {
	switch {
	case f == nil:
		return "not relayed"
	case f.OK():
		return ""
	case f.Error != "":
		return f.Error
	}
	s := fmt.Sprintf("answered %d %s", f.Status, http.StatusText(f.Status))
	if b := strings.TrimSpace(f.Body); b != "" {
		s += ": " + strings.Join(strings.Fields(b), " ")
	}
	return s
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// describeRelayError words a transport error without the URL (the
// consumer's URL is in the result already): the words an operator acts on.
func describeRelayError(err error, timedOut bool, limit time.Duration) string {
	switch {
	case timedOut:
		return fmt.Sprintf("no answer within %s", limit)
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused (nothing listens there)"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by the consumer"
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return "cannot resolve " + dnsErr.Name
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

// readAnswer reads and closes an answer's body and returns its start as
// text: valid UTF-8, at most ForwardBodyLimit bytes (a rune cut in half
// becomes U+FFFD). Up to 1 MiB more is drained so that the connection can
// be reused.
func readAnswer(resp *http.Response) string {
	head := make([]byte, ForwardBodyLimit)
	n, _ := io.ReadFull(resp.Body, head)
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return strings.ToValidUTF8(string(head[:n]), "\uFFFD")
}
