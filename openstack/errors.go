package openstack

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"

	"github.com/gophercloud/gophercloud/v2"

	monitoring "github.com/monhook/monhook/openstack/monitoring/v2"
)

// ErrorKind classifies a failure by what the user has to fix.
type ErrorKind int

const (
	// KindAPI is any other error answer from Monasca.
	KindAPI ErrorKind = iota
	// KindConfig means the credentials could not be resolved: a variable or
	// flag is missing or invalid.
	KindConfig
	// KindAuth means Keystone rejected the credentials, or Monasca rejected a
	// fresh token.
	KindAuth
	// KindEndpoint means the catalog has no matching monitoring endpoint.
	KindEndpoint
	// KindForbidden means the token lacks the monasca-user role.
	KindForbidden
	// KindTLS means the TLS handshake or certificate check failed.
	KindTLS
	// KindUnreachable means the service could not be reached at all.
	KindUnreachable
)

func (k ErrorKind) String() string {
	switch k {
	case KindConfig:
		return "config"
	case KindAuth:
		return "auth"
	case KindEndpoint:
		return "endpoint"
	case KindForbidden:
		return "forbidden"
	case KindTLS:
		return "tls"
	case KindUnreachable:
		return "unreachable"
	default:
		return "api"
	}
}

// Error is a failure explained for a human: Message says what went wrong
// and what to change. Err keeps the underlying error for errors.Is/As.
type Error struct {
	// Kind classifies the failure (the CLI maps it to an exit code).
	Kind ErrorKind
	// Message is the actionable explanation.
	Message string
	// URL is the request URL involved, when there is one.
	URL string
	// Err is the underlying error.
	Err error
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// explainContext is what is known about the connection when explaining.
type explainContext struct {
	authURL    string
	user       string
	userDomain string
	project    string
	region     string
	iface      string
}

// Explain turns err into an *Error whose message a user can act on when it
// recognises the failure (Keystone 401, Monasca 401 Forbidden, missing
// endpoint, TLS, connection refused, any Monasca error body), and returns
// err unchanged otherwise (nil, context cancellation, unknown errors).
// Session.Explain adds the user, project and auth URL to the messages.
func Explain(err error) error { return explain(err, explainContext{}) }

func explain(err error, c explainContext) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	var notFound *gophercloud.ErrEndpointNotFound
	if errors.As(err, &notFound) {
		return endpointError(gophercloud.EndpointOpts{Region: c.region, Availability: gophercloud.Availability(c.iface)}, err)
	}
	if t := explainTLS(err); t != nil {
		return t
	}
	var reauth *gophercloud.ErrUnableToReauthenticate
	if errors.As(err, &reauth) && errors.Is(reauth.ErrReauth, monitoring.ErrRoleRefusal) {
		// Not a failed re-authentication: none was attempted.
		return explain(reauth.ErrOriginal, c)
	}
	if errors.As(err, &reauth) {
		inner := explain(reauth.ErrReauth, c)
		msg := "the token expired and re-authentication failed: " + inner.Error()
		kind := KindAuth
		if ie := (*Error)(nil); errors.As(inner, &ie) {
			kind = ie.Kind
		}
		return &Error{Kind: kind, Message: msg, Err: err}
	}
	var rc gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &rc) {
		return explainResponse(err, rc, c)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return explainTransport(err, ue)
	}
	return err
}

func explainResponse(err error, rc gophercloud.ErrUnexpectedResponseCode, c explainContext) error {
	fromKeystone := strings.Contains(rc.URL, "/auth/tokens") || (c.authURL != "" && strings.HasPrefix(rc.URL, c.authURL))
	if fromKeystone {
		who := "the credentials"
		if c.user != "" {
			who = "the credentials of user " + quote(c.user)
			if c.userDomain != "" {
				who += " in domain " + quote(c.userDomain)
			}
		}
		at := c.authURL
		if at == "" {
			at = rc.URL
		}
		if rc.Actual == http.StatusUnauthorized {
			return &Error{Kind: KindAuth, URL: rc.URL, Err: err, Message: fmt.Sprintf(
				"Keystone rejected %s (401) at %s: check OS_USERNAME/OS_PASSWORD (or the application credential), the user and project domains, and the project name", who, at)}
		}
		return &Error{Kind: KindAuth, URL: rc.URL, Err: err, Message: fmt.Sprintf(
			"Keystone answered %d to the token request for %s at %s%s", rc.Actual, who, at, bodySuffix(err))}
	}
	if monitoring.IsForbiddenRole(err) {
		in := ""
		if c.project != "" {
			in = " in project " + quote(c.project)
		}
		return &Error{Kind: KindForbidden, URL: rc.URL, Err: err, Message: fmt.Sprintf(
			"the token has no monasca-user role%s (Monasca answered %s to %s %s): ask an admin to grant monasca-user; admin alone is not enough", in, monitoring.RoleRefusal(err), rc.Method, rc.URL)}
	}
	if rc.Actual == http.StatusUnauthorized {
		return &Error{Kind: KindAuth, URL: rc.URL, Err: err, Message: fmt.Sprintf(
			"Monasca rejected the token (401 Unauthorized) for %s %s even after re-authentication: check that Monasca validates tokens against the same Keystone%s", rc.Method, rc.URL, atAuth(c))}
	}
	return &Error{Kind: KindAPI, URL: rc.URL, Err: err, Message: fmt.Sprintf(
		"Monasca answered %d to %s %s%s", rc.Actual, rc.Method, rc.URL, bodySuffix(err))}
}

func atAuth(c explainContext) string {
	if c.authURL == "" {
		return ""
	}
	return " (" + c.authURL + ")"
}

func bodySuffix(err error) string {
	title, desc, ok := monitoring.ErrorBody(err)
	switch {
	case !ok:
		return ""
	case desc == "":
		return ": " + title
	case title == "":
		return ": " + desc
	}
	return ": " + title + ": " + desc
}

func explainTLS(err error) error {
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	var record tls.RecordHeaderError
	u := urlOf(err)
	switch {
	case errors.As(err, &unknown):
		return &Error{Kind: KindTLS, URL: u, Err: err, Message: fmt.Sprintf(
			"TLS: the certificate of %s is signed by an unknown authority: pass the CA bundle with --os-cacert (OS_CACERT), or --insecure for a lab", hostOf(u))}
	case errors.As(err, &host):
		return &Error{Kind: KindTLS, URL: u, Err: err, Message: fmt.Sprintf(
			"TLS: the certificate is not valid for %s (%v): use a URL with a name the certificate covers, or --insecure for a lab", hostOf(u), host.Error())}
	case errors.As(err, &invalid):
		return &Error{Kind: KindTLS, URL: u, Err: err, Message: fmt.Sprintf(
			"TLS: the certificate of %s is not valid (%v): fix the server certificate, or --insecure for a lab", hostOf(u), invalid.Error())}
	case errors.As(err, &record), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return &Error{Kind: KindTLS, URL: u, Err: err, Message: fmt.Sprintf(
			"TLS: %s does not speak TLS: use http:// instead of https:// in the URL", hostOf(u))}
	}
	var verify *tls.CertificateVerificationError
	if errors.As(err, &verify) {
		return &Error{Kind: KindTLS, URL: u, Err: err, Message: fmt.Sprintf(
			"TLS: certificate verification failed for %s (%v): check --os-cacert (OS_CACERT), or --insecure for a lab", hostOf(u), verify.Err)}
	}
	return nil
}

func explainTransport(err error, ue *url.Error) error {
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return &Error{Kind: KindUnreachable, URL: ue.URL, Err: err, Message: fmt.Sprintf(
			"cannot connect to %s: connection refused (is the service running, and are host and port right?)", ue.URL)}
	case errors.As(err, &dns):
		return &Error{Kind: KindUnreachable, URL: ue.URL, Err: err, Message: fmt.Sprintf(
			"cannot resolve host %q of %s: %v", dns.Name, ue.URL, dns.Err)}
	case ue.Timeout():
		return &Error{Kind: KindUnreachable, URL: ue.URL, Err: err, Message: fmt.Sprintf(
			"timed out talking to %s (firewall, proxy or a wrong address?)", ue.URL)}
	case errors.As(err, &op):
		return &Error{Kind: KindUnreachable, URL: ue.URL, Err: err, Message: fmt.Sprintf(
			"cannot reach %s: %v", ue.URL, op.Err)}
	}
	return err
}

// endpointError explains a failed catalog lookup.
func endpointError(eo gophercloud.EndpointOpts, err error) error {
	region := eo.Region
	if region == "" {
		region = "(any)"
	}
	iface := string(eo.Availability)
	if iface == "" {
		iface = string(gophercloud.AvailabilityPublic)
	}
	typ := eo.Type
	if typ == "" {
		typ = ServiceType
	}
	return &Error{Kind: KindEndpoint, Err: err, Message: fmt.Sprintf(
		"no '%s' endpoint in the service catalog for region %s, interface %s (set --os-region-name / --os-interface, or --monasca-api-url)",
		typ, region, iface)}
}

func urlOf(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.URL
	}
	return ""
}

func hostOf(u string) string {
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		return p.Host
	}
	if u == "" {
		return "the server"
	}
	return u
}

func quote(s string) string { return "'" + s + "'" }
