package receiver

import (
	"net/http"
	"time"
)

// Delivery is one request to the callback path whose body was JSON.
// Deliveries are shared between the history, Await and OnDelivery: treat
// them, their Headers and Body as read-only.
type Delivery struct {
	Seq          int            `json:"seq"` // 1-based, in the order bodies were read
	ReceivedAt   time.Time      `json:"received_at"`
	Remote       string         `json:"remote"`
	Method       string         `json:"method"`
	Path         string         `json:"path"`
	Headers      http.Header    `json:"headers"` // secrets redacted
	Body         []byte         `json:"body"`    // raw; embedded as JSON by AppendJSON
	Notification *Notification  `json:"notification"`
	Findings     []Finding      `json:"findings"`
	Status       int            `json:"status"` // what we answered
	Forward      *ForwardResult `json:"forward,omitempty"`
}

// ForwardResult records the relay of a delivery to Options.ForwardTo.
type ForwardResult struct {
	URL     string        `json:"url"`
	Status  int           `json:"status,omitempty"` // 0 when no response came
	Latency time.Duration `json:"latency_ns"`
	Error   string        `json:"error,omitempty"`
	// TimedOut: no answer came within Options.ForwardTimeout.
	TimedOut bool `json:"timed_out,omitempty"`
	// Body is the start of the consumer's answer (ForwardBodyLimit bytes).
	Body string `json:"body,omitempty"`
}

// Stray is a request that is not a delivery: wrong path (404), wrong method
// (405), body over the limit (413), body not JSON (400, reason "malformed").
type Stray struct {
	ReceivedAt time.Time `json:"received_at"`
	Remote     string    `json:"remote"`
	Method     string    `json:"method"`
	Path       string    `json:"path"`
	Reason     string    `json:"reason"` // one of the Stray* constants
	Detail     string    `json:"detail,omitempty"`
	Status     int       `json:"status"`
}

// Stray reasons.
const (
	StrayWrongPath   = "wrong-path"
	StrayWrongMethod = "wrong-method"
	StrayOversized   = "oversized"
	StrayMalformed   = "malformed"
	StrayReadError   = "read-error"
)

// TLSError is a failed TLS handshake with the peer's address. Hint names the
// likely cause, e.g. that the sender rejected our certificate.
type TLSError struct {
	At     time.Time `json:"at"`
	Remote string    `json:"remote"`
	Error  string    `json:"error"`
	Hint   string    `json:"hint,omitempty"`
}

// Stats counts what the receiver saw since Start. Strays counts every stray;
// Malformed and Oversized are subsets of it.
type Stats struct {
	Deliveries uint64 `json:"deliveries"`
	Strays     uint64 `json:"strays"`
	Malformed  uint64 `json:"malformed"`
	Oversized  uint64 `json:"oversized"`
	TLSErrors  uint64 `json:"tls_errors"`
}

// redactedHeaders are replaced by "REDACTED": monasca-notification may send
// its service user's X-Auth-Token, and we never store or print secrets.
var redactedHeaders = []string{"X-Auth-Token", "Authorization", "Cookie", "Proxy-Authorization"}

// Redacted is the value that replaces secret header values.
const Redacted = "REDACTED"

func redactHeaders(h http.Header) http.Header {
	c := h.Clone()
	for _, k := range redactedHeaders {
		if vs, ok := c[k]; ok {
			r := make([]string, len(vs))
			for i := range r {
				r[i] = Redacted
			}
			c[k] = r
		}
	}
	return c
}
