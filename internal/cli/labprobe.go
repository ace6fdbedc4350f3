package cli

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/monhook/monhook/openstack"
)

// labSpeedHeader is what `monhook lab` puts on every answer (see
// internal/lab.SpeedHeader; a test against a running lab keeps them equal).
const labSpeedHeader = "X-Monhook-Lab-Speed"

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
	v, err := strconv.ParseFloat(resp.Header.Get(labSpeedHeader), 64)
	if err != nil || v <= 0 {
		return 0, false
	}
	return v, true
}
