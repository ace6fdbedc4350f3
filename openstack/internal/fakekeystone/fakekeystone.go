// Package fakekeystone is a test double for Keystone v3 plus a token-checking
// stand-in for Monasca, on one httptest server. It answers exactly the
// traffic gophercloud sends (go-style.md §1.11): POST /v3/auth/tokens with
// password, application-credential or token methods, and GET
// /v3/auth/tokens for a passed-through token. Every other path is "Monasca":
// it checks X-Auth-Token like keystonemiddleware and the monasca-user role
// like monasca-api, then answers with an empty Monasca list.
//
// It is for tests of package openstack only; the real lab is internal/lab.
package fakekeystone

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Fixed identities every Server knows.
const (
	UserID        = "u-alice"
	UserName      = "alice"
	Password      = "alice-Pa55word!"
	DomainID      = "default"
	DomainName    = "Default"
	ProjectID     = "p-demo-0001"
	ProjectName   = "demo"
	AppCredID     = "ac-0001"
	AppCredName   = "monhook-ci"
	AppCredSecret = "ac-S3cret-value"
	MonascaRole   = "monasca-user"
)

// Endpoint is one catalog entry of the monitoring service.
type Endpoint struct {
	Region    string
	Interface string
	URL       string
}

// Server is the fake. Configure Catalog and Roles before authenticating.
type Server struct {
	*httptest.Server

	mu       sync.Mutex
	catalog  []Endpoint
	roles    []string
	tokens   map[string]bool // issued token → still valid
	issued   int
	monPaths []string
	java     bool
}

// New starts a fake whose user has the monasca-user role and whose catalog
// is empty; call SetCatalog with URLs built from s.URL.
func New() *Server {
	s := &Server{tokens: map[string]bool{}, roles: []string{"member", MonascaRole}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// NewTLS is New over HTTPS with httptest's self-signed certificate; CAFile
// writes that certificate as a PEM bundle for OS_CACERT.
func NewTLS() *Server {
	s := &Server{tokens: map[string]bool{}, roles: []string{"member", MonascaRole}}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	// Rejected handshakes are what the TLS tests provoke: keep them off stderr.
	s.Server.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.Server.StartTLS()
	return s
}

// CAFile writes the server's certificate as PEM into dir and returns the path.
func (s *Server) CAFile(dir string) (string, error) {
	path := filepath.Join(dir, "ca.pem")
	block := &pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw}
	return path, os.WriteFile(path, pem.EncodeToMemory(block), 0o600)
}

// AuthURL is the versioned Keystone URL (no discovery request).
func (s *Server) AuthURL() string { return s.URL + "/v3" }

// SetCatalog replaces the monitoring endpoints in issued tokens.
func (s *Server) SetCatalog(eps ...Endpoint) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.catalog = eps
}

// SetRoles replaces the user's roles in the project.
func (s *Server) SetRoles(roles ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roles = roles
}

// ExpireTokens invalidates every token issued so far, as if they expired.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t := range s.tokens {
		s.tokens[t] = false
	}
}

// Issued is the number of tokens issued.
func (s *Server) Issued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issued
}

// Tokens returns every token issued, for checking they never leak.
func (s *Server) Tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for t := range s.tokens {
		out = append(out, t)
	}
	return out
}

// IssueToken creates a valid project-scoped token, as if from an earlier
// `openstack token issue`.
func (s *Server) IssueToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newTokenLocked()
}

// MonascaPaths lists the paths "Monasca" served, in order.
func (s *Server) MonascaPaths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.monPaths)
}

func (s *Server) newTokenLocked() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	t := "gAAAAA" + hex.EncodeToString(b)
	s.tokens[t] = true
	s.issued++
	return t
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/v3/auth/tokens" && r.Method == http.MethodPost:
		s.createToken(w, r)
	case r.URL.Path == "/v3/auth/tokens" && r.Method == http.MethodGet:
		s.validateToken(w, r)
	case strings.HasPrefix(r.URL.Path, "/v3"):
		keystoneError(w, http.StatusNotFound, "Not Found", "fake Keystone serves only /v3/auth/tokens")
	default:
		s.monasca(w, r)
	}
}

type authRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password *struct {
				User userRef `json:"user"`
			} `json:"password"`
			Token *struct {
				ID string `json:"id"`
			} `json:"token"`
			AppCred *struct {
				ID     string   `json:"id"`
				Name   string   `json:"name"`
				Secret string   `json:"secret"`
				User   *userRef `json:"user"`
			} `json:"application_credential"`
		} `json:"identity"`
		Scope *struct {
			Project *struct {
				ID     string `json:"id"`
				Name   string `json:"name"`
				Domain *ref   `json:"domain"`
			} `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

type ref struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type userRef struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Password string `json:"password"`
	Domain   *ref   `json:"domain"`
}

func (d *ref) isDefault() bool {
	return d != nil && (d.ID == DomainID || d.Name == DomainName)
}

func (u userRef) isAlice() bool {
	return u.ID == UserID || (u.Name == UserName && u.Domain.isDefault())
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	var req authRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		keystoneError(w, http.StatusBadRequest, "Bad Request", "body is not JSON")
		return
	}
	id := req.Auth.Identity
	appCred := false
	switch {
	case slices.Contains(id.Methods, "password") && id.Password != nil:
		u := id.Password.User
		if u.Name != "" && u.ID == "" && u.Domain == nil {
			keystoneError(w, http.StatusBadRequest, "Bad Request", "Expecting to find domain in user")
			return
		}
		if !u.isAlice() || u.Password != Password {
			keystoneError(w, http.StatusUnauthorized, "Unauthorized", "The request you have made requires authentication.")
			return
		}
	case slices.Contains(id.Methods, "application_credential") && id.AppCred != nil:
		ac := id.AppCred
		byID := ac.ID == AppCredID
		byName := ac.Name == AppCredName && ac.User != nil && ac.User.isAlice()
		if !(byID || byName) || ac.Secret != AppCredSecret {
			keystoneError(w, http.StatusUnauthorized, "Unauthorized", "The request you have made requires authentication.")
			return
		}
		if req.Auth.Scope != nil {
			keystoneError(w, http.StatusUnauthorized, "Unauthorized", "Application credentials cannot request a scope.")
			return
		}
		appCred = true
	case slices.Contains(id.Methods, "token") && id.Token != nil:
		if !s.valid(id.Token.ID) {
			keystoneError(w, http.StatusUnauthorized, "Unauthorized", "The request you have made requires authentication.")
			return
		}
	default:
		keystoneError(w, http.StatusBadRequest, "Bad Request", "unsupported auth method")
		return
	}
	if !appCred {
		sc := req.Auth.Scope
		if sc == nil || sc.Project == nil {
			keystoneError(w, http.StatusUnauthorized, "Unauthorized", "fake Keystone issues project-scoped tokens only")
			return
		}
		p := sc.Project
		if !(p.ID == ProjectID || (p.Name == ProjectName && p.Domain.isDefault())) {
			keystoneError(w, http.StatusUnauthorized, "Unauthorized", "User has no access to project")
			return
		}
	}
	s.mu.Lock()
	tok := s.newTokenLocked()
	body := s.tokenBodyLocked()
	s.mu.Unlock()
	w.Header().Set("X-Subject-Token", tok)
	writeJSON(w, http.StatusCreated, body)
}

func (s *Server) validateToken(w http.ResponseWriter, r *http.Request) {
	if !s.valid(r.Header.Get("X-Auth-Token")) || !s.valid(r.Header.Get("X-Subject-Token")) {
		keystoneError(w, http.StatusUnauthorized, "Unauthorized", "The request you have made requires authentication.")
		return
	}
	s.mu.Lock()
	body := s.tokenBodyLocked()
	s.mu.Unlock()
	w.Header().Set("X-Subject-Token", r.Header.Get("X-Subject-Token"))
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) valid(tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens[tok]
}

func (s *Server) tokenBodyLocked() map[string]any {
	var endpoints []map[string]any
	for i, ep := range s.catalog {
		endpoints = append(endpoints, map[string]any{
			"id": fmt.Sprintf("ep-%d", i), "interface": ep.Interface, "region": ep.Region, "region_id": ep.Region, "url": ep.URL,
		})
	}
	catalog := []map[string]any{{
		"type": "identity", "name": "keystone", "id": "svc-identity",
		"endpoints": []map[string]any{{"id": "ep-ks", "interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": s.URL + "/v3"}},
	}}
	if len(endpoints) > 0 {
		catalog = append(catalog, map[string]any{"type": "monitoring", "name": "monasca", "id": "svc-monitoring", "endpoints": endpoints})
	}
	var roles []map[string]any
	for _, r := range s.roles {
		roles = append(roles, map[string]any{"id": "r-" + r, "name": r})
	}
	now := time.Now().UTC()
	return map[string]any{"token": map[string]any{
		"methods":    []string{"password"},
		"issued_at":  now.Format("2006-01-02T15:04:05.000000Z"),
		"expires_at": now.Add(time.Hour).Format("2006-01-02T15:04:05.000000Z"),
		"user":       map[string]any{"id": UserID, "name": UserName, "domain": map[string]any{"id": DomainID, "name": DomainName}},
		"project":    map[string]any{"id": ProjectID, "name": ProjectName, "domain": map[string]any{"id": DomainID, "name": DomainName}},
		"roles":      roles,
		"catalog":    catalog,
	}}
}

// SetJava makes the Monasca side answer as the Java API does: its own
// 401 bodies for a bad token and for a missing role (PreAuthentication and
// PostAuthenticationFilter.java), with no keystonemiddleware in front.
func (s *Server) SetJava(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.java = on
}

// monasca checks the token like keystonemiddleware and the role like
// monasca-api, then answers an empty list.
func (s *Server) monasca(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.monPaths = append(s.monPaths, r.URL.Path)
	hasRole := slices.Contains(s.roles, MonascaRole)
	java := s.java
	s.mu.Unlock()
	valid := s.valid(r.Header.Get("X-Auth-Token"))
	if java && (!valid || !hasRole) {
		msg := "Failed to authenticate request"
		if valid {
			msg = "Tenant is missing a required role to access this service"
		}
		writeJSON(w, http.StatusUnauthorized, map[string]any{"unauthorized": map[string]any{
			"code": 401, "message": msg, "details": "", "internal_code": "5f1e2d3c4b5a6978"}})
		return
	}
	if !valid {
		w.Header().Set("WWW-Authenticate", `Keystone uri="`+s.URL+`/v3"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{
			"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}})
		return
	}
	if !hasRole {
		w.Header().Set("WWW-Authenticate", "Token")
		writeJSON(w, http.StatusUnauthorized, map[string]any{"title": "Forbidden", "description": "The request does not have access to this service"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"links":    []map[string]any{{"rel": "self", "href": s.URL + r.URL.Path}},
		"elements": []map[string]any{{"type": "WEBHOOK"}},
	})
}

func keystoneError(w http.ResponseWriter, status int, title, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": status, "title": title, "message": msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
