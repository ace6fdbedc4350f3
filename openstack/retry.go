package openstack

import (
	"errors"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/monhook/monhook/pause"
)

// Retry defaults: a transient Monasca failure (a 5xx while Kafka or the
// database hiccups, a reset connection) gets two more tries, 250 ms then
// 500 ms later. Bounded so a broken API fails the command quickly.
const (
	DefaultRetryAttempts = 3
	DefaultRetryBackoff  = 250 * time.Millisecond
)

// RetryTransport retries idempotent requests (GET, HEAD, PUT, DELETE) that
// failed with a 5xx answer or a network error. POST and PATCH are never
// retried: a lost answer to a create could otherwise create twice.
type RetryTransport struct {
	Base     http.RoundTripper
	Attempts int           // total tries; 0 = DefaultRetryAttempts
	Backoff  time.Duration // first wait, doubling; 0 = DefaultRetryBackoff
}

// RoundTrip implements http.RoundTripper.
func (t *RetryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	attempts, wait := t.Attempts, t.Backoff
	if attempts <= 0 {
		attempts = DefaultRetryAttempts
	}
	if wait <= 0 {
		wait = DefaultRetryBackoff
	}
	if !idempotent(req.Method) {
		return t.Base.RoundTrip(req)
	}
	for try := 1; ; try++ {
		r := req
		if try > 1 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r = req.Clone(req.Context())
			r.Body = body
		}
		resp, err := t.Base.RoundTrip(r)
		if try == attempts || !retryable(resp, err) || req.Context().Err() != nil {
			return resp, err
		}
		if req.Body != nil && req.GetBody == nil {
			return resp, err // the body cannot be sent again
		}
		if resp != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		if err := pause.For(req.Context(), wait); err != nil {
			return nil, err
		}
		wait *= 2
	}
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

func retryable(resp *http.Response, err error) bool {
	if err != nil {
		var ne net.Error
		return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
	}
	switch resp.StatusCode {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}
