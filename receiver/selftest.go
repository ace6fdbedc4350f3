package receiver

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// ProbeHeader carries the callback self-test's nonce. The receiver answers
// a POST on its callback path that carries its own nonce with 204 and the
// nonce echoed, without recording a delivery: whatever else answers the
// URL (another service on the port, a proxy, a consumer on a fixed path)
// cannot echo a nonce it never saw.
const ProbeHeader = "X-Monhook-Probe"

// DefaultProbeTimeout bounds the self-test's request, as Monasca's sender
// bounds a webhook's (5 s).
const DefaultProbeTimeout = 5 * time.Second

// ProbeResult is what the callback self-test's POST met.
type ProbeResult struct {
	// Reached: this receiver got the probe and answered it.
	Reached bool
	// Status is the answer's status; 0 when none came.
	Status int
	// Server is the answer's Server header, which often names what
	// answered instead of us (e.g. "BaseHTTP/0.6 Python/3.11.2").
	Server string
	// Body is the start of the answer (ForwardBodyLimit bytes).
	Body string
	// Error is the transport error, without the URL (it holds the token).
	Error   string
	Latency time.Duration
}

// ProbeCallback POSTs a probe to CallbackURL(), token path included, and
// reports whether it reached this receiver: the URL Monasca will be given
// leads here. It proves the route from this machine, not from the notifier's
// network, and does not judge the certificate (the receiver's TLS warnings
// do): a nil client uses a direct connection that accepts any certificate.
func (r *Receiver) ProbeCallback(ctx context.Context, client *http.Client) ProbeResult {
	if client == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.Proxy = nil                                             // the notifier dials the URL itself
		t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // reachability only; see above
		defer t.CloseIdleConnections()
		client = &http.Client{Transport: t, Timeout: DefaultProbeTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	nonce := newToken()
	r.probe.Store(&nonce)
	before := r.probes.Load()

	var res ProbeResult
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.CallbackURL(), bytes.NewReader([]byte(`{"monhook":"callback self-test"}`)))
	if err != nil {
		res.Error = err.Error()
		return res
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(ProbeHeader, nonce)
	start := time.Now()
	resp, err := client.Do(req)
	res.Latency = time.Since(start)
	if err != nil {
		timedOut := errors.Is(err, context.DeadlineExceeded) || isTimeout(err)
		res.Error = describeRelayError(err, timedOut, DefaultProbeTimeout)
		return res
	}
	res.Status, res.Server, res.Body = resp.StatusCode, resp.Header.Get("Server"), r.hideToken(readAnswer(resp))
	res.Reached = resp.StatusCode == http.StatusNoContent && resp.Header.Get(ProbeHeader) == nonce && r.probes.Load() > before
	return res
}

// answerProbe handles the self-test's request when it carries the current
// nonce; false leaves the request to the usual handling.
func (r *Receiver) answerProbe(w http.ResponseWriter, req *http.Request) bool {
	got := req.Header.Get(ProbeHeader)
	if got == "" {
		return false
	}
	nonce := r.probe.Load()
	if nonce == nil || got != *nonce {
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(req.Body, r.opts.MaxBody))
	r.probes.Add(1)
	w.Header().Set(ProbeHeader, *nonce)
	w.WriteHeader(http.StatusNoContent)
	return true
}

// hideToken keeps the token out of what another service answered: a
// consumer's 404 often echoes the path ("Cannot POST /alerts/<token>"),
// and the token is never printed in full.
func (r *Receiver) hideToken(s string) string {
	if len(r.token) <= 8 {
		return s
	}
	return strings.ReplaceAll(s, r.token, "…"+r.token[len(r.token)-4:])
}
