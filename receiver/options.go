package receiver

import (
	"log"
	"net/http"
	"time"
)

// Options configure a Receiver. The zero value listens on all interfaces on
// an ephemeral port, with a random token, answering 200.
type Options struct {
	// Listen is the address to bind; "" means ":0" (all interfaces, ephemeral).
	Listen string
	// CallbackURL is the base URL the sender must use (scheme://host[:port][/prefix]),
	// for NAT and containers. The token path is appended to it.
	CallbackURL string
	// RouteTo is host[:port] of the Monasca API. Without CallbackURL, the
	// callback host is the local address of the route toward it (found with a
	// connected UDP socket: no packet is sent). Loopback when RouteTo is
	// loopback.
	RouteTo string
	// Token is the secret path segment; "" means 128 random bits, URL-safe.
	Token string
	// FixedPath serves deliveries on exactly this path ("/openstack/alerts"),
	// without a token: for notification methods that already point at a
	// path. Anyone who can reach the port can then post; a wrong path's 404
	// names the right URL, since there is no secret to keep.
	FixedPath string
	// Path is a prefix served before the token ("/hooks" → /hooks/<token>).
	// Defaults to the path of CallbackURL.
	Path string
	// MaxBody is the largest accepted body; default 1 MiB. Larger → 413.
	MaxBody int64
	// RespondStatus is the answer to deliveries; default 200.
	RespondStatus int
	// FailFirst answers the first FailFirst deliveries with FailStatus
	// (default 500), to exercise Monasca's retry.
	FailFirst  int
	FailStatus int
	// Delay holds each delivery's answer back this long (Monasca's sender
	// gives up after 5 s by default).
	Delay time.Duration
	// TLSCert and TLSKey are PEM files; both set means HTTPS.
	TLSCert, TLSKey string
	// History bounds the in-memory deliveries and strays; default 1000.
	History int
	// Persist durably records each delivery (e.g. jsonl.Writer.Encode) before
	// it is answered. When it fails the sender gets 503, so Monasca retries
	// and an acknowledged delivery is always a recorded one.
	Persist func(Delivery) error
	// OnDelivery is called for each delivery before it is answered, so an
	// acknowledged delivery is always recorded. It runs on the request's
	// goroutine, possibly concurrently with itself: keep it short.
	OnDelivery func(Delivery)
	// OnStray and OnTLSError are told about requests that are not deliveries
	// and failed TLS handshakes, as they happen (same rules as OnDelivery).
	OnStray    func(Stray)
	OnTLSError func(TLSError)
	// ForwardTo relays each delivery's body to a real consumer and records its
	// status and latency in Delivery.Forward. Our answer to the sender does not
	// depend on the consumer's.
	ForwardTo string
	// ForwardFailStatus answers the sender when the relay fails (an error or
	// a non-2xx), so Monasca's retry covers the consumer too; default 502.
	// ForwardBestEffort keeps the usual answer instead.
	ForwardFailStatus int
	ForwardBestEffort bool
	// ForwardTimeout bounds each relay; default 4 s, under Monasca's 5 s.
	ForwardTimeout time.Duration
	// ForwardClient overrides the relay's HTTP client.
	ForwardClient *http.Client
	// ShutdownTimeout bounds Close's wait for in-flight requests; default 10 s.
	ShutdownTimeout time.Duration
	// ErrorLog receives net/http's own errors; nil discards them (failed TLS
	// handshakes are recorded, see TLSErrors).
	ErrorLog *log.Logger
	// Mux, when set, serves this receiver on a shared, already started
	// listener (see Mux) instead of one of its own: Start attaches the token
	// path, Close detaches it. Listen and TLS must then be empty.
	Mux *Mux
}

// Defaults.
const (
	DefaultMaxBody         = 1 << 20
	DefaultHistory         = 1000
	DefaultForwardTimeout  = 4 * time.Second
	DefaultShutdownTimeout = 10 * time.Second
)

func (o *Options) setDefaults() {
	if o.Listen == "" {
		o.Listen = ":0"
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.RespondStatus == 0 {
		o.RespondStatus = http.StatusOK
	}
	if o.FailStatus == 0 {
		o.FailStatus = http.StatusInternalServerError
	}
	if o.History <= 0 {
		o.History = DefaultHistory
	}
	if o.ForwardFailStatus == 0 {
		o.ForwardFailStatus = http.StatusBadGateway
	}
	if o.ForwardTimeout <= 0 {
		o.ForwardTimeout = DefaultForwardTimeout
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = DefaultShutdownTimeout
	}
}
