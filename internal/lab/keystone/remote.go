package keystone

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/monhook/monhook/internal/clock"
)

// RemoteOptions configure a Remote validator.
type RemoteOptions struct {
	// URL is the external Keystone; "/v3" is appended when missing.
	URL string
	// Service credentials, as keystonemiddleware's [keystone_authtoken]
	// section. With no User, each token validates itself (Keystone lets a
	// token owner validate their own token), which needs no secrets.
	User, Password, Project   string
	UserDomain, ProjectDomain string // "" = Default
	HTTPClient                *http.Client
	Clock                     clock.Clock
	// CacheTTL bounds how long a validation is reused (keystonemiddleware's
	// token_cache_time, default 300 s).
	CacheTTL time.Duration
}

// Remote validates tokens against a real Keystone with GET /v3/auth/tokens,
// as keystonemiddleware's auth_token does, and caches the answers.
type Remote struct {
	opts RemoteOptions
	base string

	mu           sync.Mutex
	serviceToken string
	serviceID    Identity
	cache        map[[32]byte]cached
}

type cached struct {
	id    Identity
	until time.Time
}

// NewRemote returns a validator for the Keystone at opts.URL.
func NewRemote(opts RemoteOptions) *Remote {
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.CacheTTL <= 0 {
		opts.CacheTTL = 300 * time.Second
	}
	if opts.UserDomain == "" {
		opts.UserDomain = DefaultDomainName
	}
	if opts.ProjectDomain == "" {
		opts.ProjectDomain = DefaultDomainName
	}
	base := strings.TrimRight(opts.URL, "/")
	if !strings.HasSuffix(base, "/v3") {
		base += "/v3"
	}
	return &Remote{opts: opts, base: base, cache: map[[32]byte]cached{}}
}

// AuthURL is the external Keystone's v3 URL.
func (r *Remote) AuthURL() string { return r.base }

// Validate implements Validator.
func (r *Remote) Validate(ctx context.Context, tok string) (Identity, error) {
	if tok == "" {
		return Identity{}, ErrInvalidToken
	}
	key := sha256.Sum256([]byte(tok)) // never keep raw tokens around
	now := r.opts.Clock.Now()
	r.mu.Lock()
	if c, ok := r.cache[key]; ok && now.Before(c.until) {
		r.mu.Unlock()
		return c.id, nil
	}
	r.mu.Unlock()

	id, err := r.validate(ctx, tok, false)
	if err != nil {
		return Identity{}, err
	}
	until := now.Add(r.opts.CacheTTL)
	if !id.ExpiresAt.IsZero() && id.ExpiresAt.Before(until) {
		until = id.ExpiresAt
	}
	r.mu.Lock()
	if len(r.cache) > 4096 {
		r.cache = map[[32]byte]cached{}
	}
	r.cache[key] = cached{id: id, until: until}
	r.mu.Unlock()
	return id, nil
}

func (r *Remote) validate(ctx context.Context, tok string, retried bool) (Identity, error) {
	caller := tok
	if r.opts.User != "" {
		svc, err := r.service(ctx, retried)
		if err != nil {
			return Identity{}, err
		}
		caller = svc
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base+"/auth/tokens?nocatalog", nil)
	if err != nil {
		return Identity{}, err
	}
	req.Header.Set("X-Auth-Token", caller)
	req.Header.Set("X-Subject-Token", tok)
	req.Header.Set("Accept", "application/json")
	resp, err := r.opts.HTTPClient.Do(req)
	if err != nil {
		return Identity{}, fmt.Errorf("keystone: validating token: %w", err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusNonAuthoritativeInfo:
		return parseTokenBody(resp)
	case resp.StatusCode == http.StatusUnauthorized && r.opts.User != "" && !retried:
		// Our service token may have expired: re-authenticate once.
		return r.validate(ctx, tok, true)
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusUnauthorized:
		return Identity{}, ErrInvalidToken
	default:
		return Identity{}, fmt.Errorf("keystone: validating token: HTTP %d", resp.StatusCode)
	}
}

// service returns a service token, authenticating when there is none or
// when fresh is set.
func (r *Remote) service(ctx context.Context, fresh bool) (string, error) {
	r.mu.Lock()
	tok, exp := r.serviceToken, r.serviceID.ExpiresAt
	r.mu.Unlock()
	if tok != "" && !fresh && (exp.IsZero() || r.opts.Clock.Now().Before(exp.Add(-time.Minute))) {
		return tok, nil
	}
	body := map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{
			"user": map[string]any{"name": r.opts.User, "password": r.opts.Password, "domain": map[string]string{"name": r.opts.UserDomain}},
		}},
	}}
	if r.opts.Project != "" {
		body["auth"].(map[string]any)["scope"] = map[string]any{"project": map[string]any{
			"name": r.opts.Project, "domain": map[string]string{"name": r.opts.ProjectDomain},
		}}
	}
	buf, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.base+"/auth/tokens?nocatalog", bytes.NewReader(buf))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.opts.HTTPClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("keystone: service authentication: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("keystone: service authentication as %q: HTTP %d", r.opts.User, resp.StatusCode)
	}
	id, err := parseTokenBody(resp)
	if err != nil {
		return "", err
	}
	tok = resp.Header.Get("X-Subject-Token")
	if tok == "" {
		return "", errors.New("keystone: service authentication: no X-Subject-Token")
	}
	r.mu.Lock()
	r.serviceToken, r.serviceID = tok, id
	r.mu.Unlock()
	return tok, nil
}

// ServiceIdentity authenticates with the service credentials and returns
// who they are (the lab posts its simulated agents' metrics into this
// project). It fails when no service user is configured.
func (r *Remote) ServiceIdentity(ctx context.Context) (Identity, error) {
	if r.opts.User == "" {
		return Identity{}, errors.New("keystone: no service user configured")
	}
	if _, err := r.service(ctx, false); err != nil {
		return Identity{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.serviceID, nil
}

func parseTokenBody(resp *http.Response) (Identity, error) {
	var doc struct {
		Token struct {
			ExpiresAt string `json:"expires_at"`
			User      struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"user"`
			Project *struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"project"`
			Roles []struct {
				Name string `json:"name"`
			} `json:"roles"`
		} `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return Identity{}, fmt.Errorf("keystone: token body: %w", err)
	}
	id := Identity{UserID: doc.Token.User.ID, UserName: doc.Token.User.Name}
	if doc.Token.Project != nil {
		id.ProjectID, id.ProjectName = doc.Token.Project.ID, doc.Token.Project.Name
	}
	for _, r := range doc.Token.Roles {
		id.Roles = append(id.Roles, r.Name)
	}
	if t, err := time.Parse(time.RFC3339Nano, doc.Token.ExpiresAt); err == nil {
		id.ExpiresAt = t
	}
	return id, nil
}
