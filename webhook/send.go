package webhook

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/monhook/monhook/pause"
)

// Monasca's retry defaults ([retry_engine] interval, max_attempts): a
// failed send is retried every 30 s, five times, then dropped.
const (
	MonascaRetries       = 5
	MonascaRetryInterval = 30 * time.Second
)

// Sender posts bodies and retries failures the way monasca-notification's
// retry engine does: a failure is any answer outside 200–299, a timeout or
// a connection error; the next attempt comes RetryInterval after the last
// one, at most Retries times.
type Sender struct {
	// Client makes the requests; nil means NewClient(DefaultTimeout, nil).
	Client *http.Client
	// Retries after a failed first attempt (Monasca: MonascaRetries).
	Retries int
	// RetryInterval is the wait between attempts (Monasca: MonascaRetryInterval).
	RetryInterval time.Duration
	// OnAttempt, when set, is told about each attempt as it ends.
	OnAttempt func(Attempt)
	// AuthToken, when set, is sent as X-Auth-Token, as monasca-notification
	// does from Rocky on with [keystone] auth_required = True.
	AuthToken string
}

// Attempt is one POST.
type Attempt struct {
	// Send is the 1-based send (Repeat) the attempt belongs to; reports
	// group attempts by send, so it is not in the JSON.
	Send    int           `json:"-"`
	Number  int           `json:"attempt"` // 1-based
	Start   time.Time     `json:"start"`
	Status  int           `json:"status,omitempty"` // 0 when no answer came
	Latency time.Duration `json:"latency_ns"`
	Error   string        `json:"error,omitempty"`
	// TimedOut says no answer came within the client's timeout (Error then
	// has the transport's wording), so a caller can name its own setting.
	TimedOut bool `json:"timed_out,omitempty"`
	// Body is the start of an answer outside 200–299 (ErrorBodyLimit
	// bytes): the consumer's own words for what went wrong.
	Body string `json:"body,omitempty"`
}

// ErrorBodyLimit bounds the part of a failed answer kept in Attempt.Body.
const ErrorBodyLimit = 200

// OK reports whether Monasca would count the attempt as delivered.
func (a Attempt) OK() bool { return a.Error == "" && a.Status >= 200 && a.Status <= 299 }

// Send posts body to target until an attempt succeeds or the retries are
// spent, and returns every attempt. It stops early, with ctx's error, when
// ctx ends.
func (s *Sender) Send(ctx context.Context, target string, body []byte) ([]Attempt, error) {
	return s.send(ctx, 1, target, body)
}

// Repeat is Send done n times, every apart, as monasca-notification re-sends
// to a method with a period (period 60: every 60 s while the alarm stays in
// its state). It returns each send's attempts, and stops early, with ctx's
// error, when ctx ends.
func (s *Sender) Repeat(ctx context.Context, target string, body []byte, n int, every time.Duration) ([][]Attempt, error) {
	var sends [][]Attempt
	for i := 1; i <= n; i++ {
		if i > 1 {
			if err := pause.For(ctx, every); err != nil {
				return sends, err
			}
		}
		attempts, err := s.send(ctx, i, target, body)
		sends = append(sends, attempts)
		if err != nil {
			return sends, err
		}
	}
	return sends, nil
}

// Resend is Send for a saved delivery: body and header as they were
// received (header replaces the plugin's headers; Go sets Host and
// Content-Length itself), counted as send number send.
func (s *Sender) Resend(ctx context.Context, send int, target string, body []byte, header http.Header) ([]Attempt, error) {
	return s.sendWith(ctx, send, target, body, header)
}

func (s *Sender) send(ctx context.Context, send int, target string, body []byte) ([]Attempt, error) {
	return s.sendWith(ctx, send, target, body, nil)
}

func (s *Sender) sendWith(ctx context.Context, send int, target string, body []byte, header http.Header) ([]Attempt, error) {
	client := s.Client
	if client == nil {
		client = NewClient(DefaultTimeout, nil)
	}
	var attempts []Attempt
	for n := 1; ; n++ {
		a := s.attempt(ctx, client, n, target, body, header)
		a.Send = send
		attempts = append(attempts, a)
		if s.OnAttempt != nil {
			s.OnAttempt(a)
		}
		if a.OK() || n > s.Retries {
			return attempts, nil
		}
		if err := pause.For(ctx, s.RetryInterval); err != nil {
			return attempts, err
		}
	}
}

func (s *Sender) attempt(ctx context.Context, client *http.Client, n int, target string, body []byte, header http.Header) Attempt {
	a := Attempt{Number: n, Start: time.Now()}
	req, err := NewRequest(ctx, target, body)
	if err != nil {
		a.Error = err.Error()
		return a
	}
	if header != nil {
		req.Header = header.Clone()
	}
	if s.AuthToken != "" {
		req.Header.Set("X-Auth-Token", s.AuthToken)
	}
	resp, err := client.Do(req)
	if err != nil {
		a.Latency = time.Since(a.Start)
		a.Error = describe(err)
		var ne net.Error
		a.TimedOut = errors.As(err, &ne) && ne.Timeout()
		return a
	}
	// Read the answer as requests does before the connection is reused.
	head := make([]byte, ErrorBodyLimit)
	got, _ := io.ReadFull(resp.Body, head)
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	a.Latency = time.Since(a.Start)
	a.Status = resp.StatusCode
	if !a.OK() {
		a.Body = strings.ToValidUTF8(string(head[:got]), "\uFFFD")
	}
	return a
}

// describe drops the URL from a transport error: it may carry a receiver's
// secret token.
func describe(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}
