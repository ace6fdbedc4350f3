package openstack

import (
	"context"
	"io"
	"net/http"

	"github.com/gophercloud/gophercloud/v2"
	gcopenstack "github.com/gophercloud/gophercloud/v2/openstack"
	tokens3 "github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
)

// DefaultUserAgent is sent when AuthFlags.UserAgent is empty.
const DefaultUserAgent = "monhook/dev"

// Session is an authenticated connection to Keystone and Monasca.
type Session struct {
	// Provider is the authenticated provider; it re-authenticates on 401
	// when the credentials allow it (not for a bare OS_TOKEN), except on
	// Monasca's 401 Forbidden (a missing role, see guardReauth).
	Provider *gophercloud.ProviderClient
	// Monitoring is the Monasca v2.0 client.
	Monitoring *gophercloud.ServiceClient
	// ProjectID is the token's project: a webhook payload's tenant_id must equal it.
	ProjectID string
	// ProjectName is the token's project name.
	ProjectName string
	// UserID is the token's user.
	UserID string
	// Roles are the token's role names (empty when Keystone was skipped).
	Roles []string
	// Resolved is what the session was built from (secrets included: do not print).
	Resolved Resolved

	explain explainContext
}

// Connect resolves credentials, authenticates and locates Monasca. The
// provider uses a transport with the resolved TLS settings, wrapped in a
// DebugTransport when f.Debug is set, and a "monhook/<version>" User-Agent.
// Every error is explained (see Explain); resolution errors are KindConfig.
func Connect(ctx context.Context, f AuthFlags) (*Session, error) {
	r, err := Resolve(f)
	if err != nil {
		return nil, &Error{Kind: KindConfig, Message: err.Error(), Err: err}
	}
	return ConnectResolved(ctx, r, f.Debug, f.UserAgent)
}

// ConnectResolved is Connect for already resolved settings (the lab, tests).
func ConnectResolved(ctx context.Context, r Resolved, debug io.Writer, userAgent string) (*Session, error) {
	ao := r.AuthOptions
	s := &Session{Resolved: r, explain: explainContext{
		authURL:    ao.IdentityEndpoint,
		user:       first(ao.Username, ao.UserID, ao.ApplicationCredentialName, ao.ApplicationCredentialID),
		userDomain: first(ao.DomainName, ao.DomainID),
		region:     r.EndpointOpts.Region,
		iface:      string(r.EndpointOpts.Availability),
	}}
	if ao.Scope != nil {
		s.explain.project = first(ao.Scope.ProjectName, ao.Scope.ProjectID)
	}

	watch := &roleRefusals{Base: newTransport(r, debug)}
	httpClient := http.Client{Transport: watch}
	if userAgent == "" {
		userAgent = DefaultUserAgent
	}

	if ao.IdentityEndpoint == "" {
		// OS_TOKEN + MONASCA_API_URL: no Keystone round trip at all.
		pc := &gophercloud.ProviderClient{HTTPClient: httpClient}
		pc.UserAgent.Prepend(userAgent)
		pc.SetToken(ao.TokenID)
		s.Provider = pc
		s.Monitoring = NewMonitoringV2FromURL(pc, r.MonascaAPIURL)
		return s, nil
	}

	pc, err := gcopenstack.NewClient(ao.IdentityEndpoint)
	if err != nil {
		return nil, &Error{Kind: KindConfig, Message: "auth URL " + ao.IdentityEndpoint + " (OS_AUTH_URL / --os-auth-url): " + err.Error(), Err: err}
	}
	pc.HTTPClient = httpClient
	pc.UserAgent.Prepend(userAgent)
	if err := gcopenstack.Authenticate(ctx, pc, ao); err != nil {
		return nil, explain(err, s.explain)
	}
	guardReauth(pc, watch)
	s.Provider = pc
	s.fillFromToken()

	if r.MonascaAPIURL != "" {
		s.Monitoring = NewMonitoringV2FromURL(pc, r.MonascaAPIURL)
		return s, nil
	}
	mc, err := NewMonitoringV2(pc, r.EndpointOpts)
	if err != nil {
		return nil, explain(err, s.explain)
	}
	s.Monitoring = mc
	return s, nil
}

// Explain is the package Explain with this session's user, project and
// auth URL in the messages.
func (s *Session) Explain(err error) error { return explain(err, s.explain) }

// tokenResult is what both a created and a validated token offer.
type tokenResult interface {
	ExtractProject() (*tokens3.Project, error)
	ExtractUser() (*tokens3.User, error)
	ExtractRoles() ([]tokens3.Role, error)
}

func (s *Session) fillFromToken() {
	tr, ok := s.Provider.GetAuthResult().(tokenResult)
	if !ok {
		return
	}
	if p, err := tr.ExtractProject(); err == nil && p != nil {
		s.ProjectID, s.ProjectName = p.ID, p.Name
		s.explain.project = first(p.Name, p.ID)
	}
	if u, err := tr.ExtractUser(); err == nil && u != nil {
		s.UserID = u.ID
		if s.explain.user == "" {
			s.explain.user = first(u.Name, u.ID)
		}
	}
	if roles, err := tr.ExtractRoles(); err == nil {
		for _, role := range roles {
			s.Roles = append(s.Roles, role.Name)
		}
	}
}

func newTransport(r Resolved, debug io.Writer) http.RoundTripper {
	base := http.DefaultTransport.(*http.Transport).Clone()
	if r.TLS != nil {
		base.TLSClientConfig = r.TLS.Clone()
	}
	var rt http.RoundTripper = base
	if debug != nil {
		// Inside the retries, so every attempt shows in the trace.
		rt = &DebugTransport{Base: base, Out: debug}
	}
	return &RetryTransport{Base: rt}
}
