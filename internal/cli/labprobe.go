package cli

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/openstack"
)

// labProbeTimeout bounds the probe: a Keystone that does not answer is the
// check's auth stage's business, with its own message.
const labProbeTimeout = 5 * time.Second

// probeLabSpeed asks the Keystone URL (an unauthenticated GET of its version
// document) whether it is a monhook lab, and at what speed. A real Keystone
// does not send the header: ok is false, as on any error.
func probeLabSpeed(ctx context.Context, r openstack.Resolved) (speed float64, ok bool) {
	url := r.AuthOptions.IdentityEndpoint
	if url == "" {
		return 0, false
	}
	ctx, cancel := context.WithTimeout(ctx, labProbeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, false
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = r.TLS
	defer t.CloseIdleConnections()
	resp, err := (&http.Client{Transport: t}).Do(req)
	if err != nil {
		return 0, false
	}
	resp.Body.Close()
	v, err := strconv.ParseFloat(resp.Header.Get(lab.SpeedHeader), 64)
	if err != nil || v <= 0 {
		return 0, false
	}
	return v, true
}

// labSpeeds remembers, per cloud, whether it is a monhook lab and at what
// speed (serve asks before every probe; the first answer holds).
type labSpeeds struct {
	ctx   context.Context
	flags func() openstack.AuthFlags
	mu    sync.Mutex
	m     map[string]float64
}

func newLabSpeeds(ctx context.Context, flags func() openstack.AuthFlags) *labSpeeds {
	return &labSpeeds{ctx: ctx, flags: flags, m: map[string]float64{}}
}

// of is the lab speed of cloud ("" = the OS_* environment), 0 when it is
// not a monhook lab or cannot be resolved.
func (l *labSpeeds) of(cloud string) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if v, ok := l.m[cloud]; ok {
		return v
	}
	flags := l.flags()
	if cloud != "" {
		flags.Cloud = cloud
	}
	r, err := openstack.Resolve(flags)
	if err != nil {
		return 0
	}
	v, _ := probeLabSpeed(l.ctx, r)
	l.m[cloud] = v
	return v
}
