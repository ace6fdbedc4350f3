// Package keystone is the lab's Keystone v3: just enough identity service
// for gophercloud, keystoneauth (the python CLIs) and the lab's Monasca API —
// password, token and application-credential authentication, project scope,
// a catalog, token validation and expiry. It also holds Remote, the
// keystonemiddleware-like validator the lab uses against a real Keystone.
package keystone

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/monhook/monhook/internal/clock"
)

// DefaultDomainID and DefaultDomainName are Keystone's bootstrap domain.
const (
	DefaultDomainID   = "default"
	DefaultDomainName = "Default"
)

// Identity is what a validated token says about its holder; the Monasca API
// takes the tenant and roles from it, as keystonemiddleware's X-Project-Id
// and X-Roles headers.
type Identity struct {
	UserID      string
	UserName    string
	ProjectID   string // "" for an unscoped token
	ProjectName string
	Roles       []string
	ExpiresAt   time.Time
}

// HasRole reports whether the identity holds any of roles.
func (id Identity) HasRole(roles ...string) bool {
	for _, r := range roles {
		if slices.Contains(id.Roles, r) {
			return true
		}
	}
	return false
}

// ErrInvalidToken means the token is unknown, expired or revoked.
var ErrInvalidToken = errors.New("invalid or expired token")

// Validator checks an X-Auth-Token.
type Validator interface {
	Validate(ctx context.Context, token string) (Identity, error)
}

// Service is one catalog entry; Endpoints maps interface (public, internal,
// admin) to URL.
type Service struct {
	ID, Type, Name string
	Endpoints      map[string]string
}

// Options configure a Server.
type Options struct {
	Clock    clock.Clock   // nil = real
	TokenTTL time.Duration // 0 = 1h, Keystone's default expiration
	Region   string        // "" = RegionOne
	// Catalog returns the services for a token response. The request is the
	// token request, so URLs can follow the Host the client used.
	Catalog func(r *http.Request) []Service
}

// Project is a Keystone project in the default domain.
type Project struct{ ID, Name string }

// User is a Keystone user in the default domain.
type User struct{ ID, Name, Password string }

type role struct{ ID, Name string }

type token struct {
	userID    string
	projectID string
	roles     []string
	methods   []string
	appCredID string
	issuedAt  time.Time
	expiresAt time.Time
	auditID   string
}

type appCred struct {
	ID, Name, Secret, UserID, ProjectID string
	Roles                               []string
	ExpiresAt                           *time.Time
}

// Server is the lab's Keystone.
type Server struct {
	clock   clock.Clock
	ttl     time.Duration
	region  string
	catalog func(r *http.Request) []Service

	mu       sync.Mutex
	projects map[string]Project
	users    map[string]User
	roles    map[string]role        // by name
	grants   map[[2]string][]string // {user, project} -> role names
	tokens   map[string]*token      // by token id
	appCreds map[string]*appCred    // by id
}

// New returns a Keystone with the Default domain and no users.
func New(opts Options) *Server {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = time.Hour
	}
	if opts.Region == "" {
		opts.Region = "RegionOne"
	}
	if opts.Catalog == nil {
		opts.Catalog = func(*http.Request) []Service { return nil }
	}
	return &Server{
		clock: opts.Clock, ttl: opts.TokenTTL, region: opts.Region, catalog: opts.Catalog,
		projects: map[string]Project{}, users: map[string]User{}, roles: map[string]role{},
		grants: map[[2]string][]string{}, tokens: map[string]*token{}, appCreds: map[string]*appCred{},
	}
}

// Region returns the catalog region.
func (s *Server) Region() string { return s.region }

// AddProject creates a project in the default domain.
func (s *Server) AddProject(name string) Project {
	p := Project{ID: newHexID(), Name: name}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.projects[p.ID] = p
	return p
}

// AddUser creates a user in the default domain.
func (s *Server) AddUser(name, password string) User {
	u := User{ID: newHexID(), Name: name, Password: password}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
	return u
}

// Grant gives the user roles on the project, creating the roles as needed.
func (s *Server) Grant(userID, projectID string, roles ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := [2]string{userID, projectID}
	for _, r := range roles {
		if _, ok := s.roles[r]; !ok {
			s.roles[r] = role{ID: newHexID(), Name: r}
		}
		if !slices.Contains(s.grants[k], r) {
			s.grants[k] = append(s.grants[k], r)
		}
	}
}

// IssueToken issues a password-style token for the user, scoped to
// projectID ("" = unscoped). It is for tests and for the lab's own use.
func (s *Server) IssueToken(userID, projectID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var roles []string
	if projectID != "" {
		roles = s.grants[[2]string{userID, projectID}]
		if len(roles) == 0 {
			return "", ErrInvalidToken
		}
	}
	id, _ := s.issueLocked(userID, projectID, slices.Clone(roles), []string{"password"}, "", time.Time{})
	return id, nil
}

// Validate implements Validator for the lab's own tokens.
func (s *Server) Validate(_ context.Context, tokenID string) (Identity, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.liveTokenLocked(tokenID)
	if !ok {
		return Identity{}, ErrInvalidToken
	}
	return s.identityLocked(t), nil
}

func (s *Server) identityLocked(t *token) Identity {
	return Identity{
		UserID: t.userID, UserName: s.users[t.userID].Name,
		ProjectID: t.projectID, ProjectName: s.projects[t.projectID].Name,
		Roles: slices.Clone(t.roles), ExpiresAt: t.expiresAt,
	}
}

func (s *Server) liveTokenLocked(id string) (*token, bool) {
	t, ok := s.tokens[id]
	if !ok {
		return nil, false
	}
	if !s.clock.Now().Before(t.expiresAt) {
		delete(s.tokens, id)
		return nil, false
	}
	if _, ok := s.users[t.userID]; !ok {
		return nil, false
	}
	return t, true
}

// issueLocked stores a new token. A zero expiresAt means now+TTL; the token
// method passes the original token's expiry, as Keystone does.
func (s *Server) issueLocked(userID, projectID string, roles, methods []string, appCredID string, expiresAt time.Time) (string, *token) {
	now := s.clock.Now().UTC()
	if expiresAt.IsZero() {
		expiresAt = now.Add(s.ttl)
	}
	t := &token{userID: userID, projectID: projectID, roles: roles, methods: methods, appCredID: appCredID,
		issuedAt: now, expiresAt: expiresAt, auditID: randomString(16)}
	id := randomString(48)
	s.tokens[id] = t
	// Expired tokens are dropped lazily on lookup; sweep occasionally so a
	// long-running lab does not grow without bound.
	if len(s.tokens)%1024 == 0 {
		for k, v := range s.tokens {
			if !now.Before(v.expiresAt) {
				delete(s.tokens, k)
			}
		}
	}
	return id, t
}

// randomString returns n unguessable random bytes, base64url-encoded.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

func newHexID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// UserID returns the id of the user called name.
func (s *Server) UserID(name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if u.Name == name {
			return u.ID, true
		}
	}
	return "", false
}
