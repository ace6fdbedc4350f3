package openstack

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"

	"github.com/gophercloud/gophercloud/v2"

	monitoring "github.com/monhook/monhook/openstack/monitoring/v2"
)

// gophercloud logs in again and replays the request on every 401. Monasca
// answers 401 both for a bad or expired token (keystonemiddleware,
// "Unauthorized"; the Java API: "Failed to authenticate request") and for a
// valid token without monasca-user (the API's role check, "Forbidden"; the
// Java API: "Tenant is missing a required role", monitoring.IsForbiddenRole
// reads both); for the second a new token changes nothing, and
// the replay doubles every refused request and every Keystone login. The
// transport classifies each 401 by token and the ReauthFunc refuses to run
// when the token's latest 401 was the role refusal.

// roleRefusals is a RoundTripper that remembers, per token, whether the
// latest 401 answered to it was Monasca's role refusal.
type roleRefusals struct {
	Base http.RoundTripper

	mu      sync.Mutex
	refused map[string]bool
}

// classifyLimit bounds the bytes of a 401 body read to classify it; Monasca's
// are a few dozen.
const classifyLimit = 64 << 10

func (r *roleRefusals) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.Base.RoundTrip(req)
	token := req.Header.Get("X-Auth-Token")
	if err != nil || resp.StatusCode != http.StatusUnauthorized || token == "" {
		return resp, err
	}
	head, rerr := io.ReadAll(io.LimitReader(resp.Body, classifyLimit))
	resp.Body = readCloser{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	if rerr != nil {
		return resp, nil // the reader of the body will see the error
	}
	roleRefusal := monitoring.IsForbiddenRole(gophercloud.ErrUnexpectedResponseCode{Actual: resp.StatusCode, Body: head})
	r.mu.Lock()
	defer r.mu.Unlock()
	if roleRefusal {
		if r.refused == nil {
			r.refused = map[string]bool{}
		}
		r.refused[token] = true
	} else {
		delete(r.refused, token)
	}
	return resp, nil
}

// refusedRole reports whether token's latest 401 was the role refusal.
func (r *roleRefusals) refusedRole(token string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.refused[token]
}

type readCloser struct {
	io.Reader
	io.Closer
}

// guardReauth makes pc's re-authentication skip role refusals: it answers
// monitoring.ErrRoleRefusal instead, so the request fails once with the 401.
func guardReauth(pc *gophercloud.ProviderClient, watch *roleRefusals) {
	reauth := pc.ReauthFunc
	if reauth == nil {
		return
	}
	pc.ReauthFunc = func(ctx context.Context) error {
		if watch.refusedRole(pc.Token()) {
			return monitoring.ErrRoleRefusal
		}
		return reauth(ctx)
	}
}
