package openstack

import (
	"crypto/tls"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/config/clouds"
)

// AuthFlags are the connection settings given on the command line. Empty
// strings and a nil Insecure mean "not given": the OS_* environment and
// then clouds.yaml decide.
type AuthFlags struct {
	// Cloud selects an entry of clouds.yaml (--os-cloud; OS_CLOUD when empty).
	Cloud string
	// AuthURL is the Keystone URL (--os-auth-url).
	AuthURL string
	// Username, Password, ProjectName, UserDomainName and ProjectDomainName
	// are python-openstackclient's --os-username, --os-password,
	// --os-project-name, --os-user-domain-name and --os-project-domain-name.
	Username          string
	Password          string
	ProjectName       string
	UserDomainName    string
	ProjectDomainName string
	// PromptPassword, when set, is asked for the password when a user is
	// named but no password, application credential or token is given from
	// anywhere (a TTY prompt, as the openstack CLI does).
	PromptPassword func(user, authURL string) (string, error)
	// RegionName selects the catalog region (--os-region-name).
	RegionName string
	// Interface selects the catalog interface: public, internal or admin (--os-interface).
	Interface string
	// CACert is a PEM bundle to trust (--os-cacert).
	CACert string
	// Insecure disables TLS verification (--insecure).
	Insecure *bool
	// MonascaAPIURL skips the catalog lookup (--monasca-api-url).
	MonascaAPIURL string
	// Debug receives the redacted HTTP trace; nil turns tracing off.
	Debug io.Writer
	// UserAgent is prepended to gophercloud's, e.g. "monhook/1.2.3".
	UserAgent string
}

// Resolved is everything needed to authenticate and find Monasca.
type Resolved struct {
	// AuthOptions are ready for Keystone v3, AllowReauth set where possible.
	AuthOptions gophercloud.AuthOptions
	// EndpointOpts select the monitoring endpoint (Type is filled by NewMonitoringV2).
	EndpointOpts gophercloud.EndpointOpts
	// TLS is the client TLS configuration (CA bundle, verification).
	TLS *tls.Config
	// MonascaAPIURL, when set, replaces the catalog lookup.
	MonascaAPIURL string
	// Source says where the credentials came from, for messages:
	// `cloud "prod" (clouds.yaml)` or "OS_* environment".
	Source string
}

// settings is the flat, layered view of every credential input; each layer
// (clouds.yaml, environment, flags) overlays the one below.
type settings struct {
	authURL                               string
	username, userID, password            string
	userDomainName, userDomainID          string
	projectName, projectID                string
	projectDomainName, projectDomainID    string
	domainName, domainID                  string
	appCredID, appCredName, appCredSecret string
	token                                 string
	systemScope                           string
	region, iface                         string
	caCert                                string
	insecure                              *bool
	// cloudScope keeps a trust scope from clouds.yaml that has no flat form.
	cloudScope *gophercloud.AuthScope
}

// groups of fields that name one thing two ways (by id or by name): when a
// higher layer sets either, the lower layer's pair is dropped, so an
// OS_PROJECT_NAME never fights a clouds.yaml project_id.
func (s *settings) overlay(o settings) {
	pair := func(dstA, dstB *string, a, b string) {
		if a != "" || b != "" {
			*dstA, *dstB = a, b
		}
	}
	pair(&s.username, &s.userID, o.username, o.userID)
	pair(&s.userDomainName, &s.userDomainID, o.userDomainName, o.userDomainID)
	pair(&s.projectName, &s.projectID, o.projectName, o.projectID)
	pair(&s.projectDomainName, &s.projectDomainID, o.projectDomainName, o.projectDomainID)
	pair(&s.domainName, &s.domainID, o.domainName, o.domainID)
	pair(&s.appCredID, &s.appCredName, o.appCredID, o.appCredName)
	for _, f := range []struct {
		dst *string
		v   string
	}{
		{&s.authURL, o.authURL}, {&s.password, o.password}, {&s.appCredSecret, o.appCredSecret},
		{&s.token, o.token}, {&s.systemScope, o.systemScope}, {&s.region, o.region},
		{&s.iface, o.iface}, {&s.caCert, o.caCert},
	} {
		if f.v != "" {
			*f.dst = f.v
		}
	}
	if o.insecure != nil {
		s.insecure = o.insecure
	}
	if o.projectName != "" || o.projectID != "" || o.domainName != "" || o.domainID != "" || o.systemScope != "" {
		s.cloudScope = nil
	}
}

// fromEnv reads every openrc variable, including the ones gophercloud's
// AuthOptionsFromEnv ignores (user and project domains, region, interface,
// CA bundle, insecure).
func fromEnv() (settings, error) {
	e := os.Getenv
	s := settings{
		authURL:           e("OS_AUTH_URL"),
		username:          e("OS_USERNAME"),
		userID:            first(e("OS_USER_ID"), e("OS_USERID")),
		password:          e("OS_PASSWORD"),
		userDomainName:    e("OS_USER_DOMAIN_NAME"),
		userDomainID:      e("OS_USER_DOMAIN_ID"),
		projectName:       first(e("OS_PROJECT_NAME"), e("OS_TENANT_NAME")),
		projectID:         first(e("OS_PROJECT_ID"), e("OS_TENANT_ID")),
		projectDomainName: e("OS_PROJECT_DOMAIN_NAME"),
		projectDomainID:   e("OS_PROJECT_DOMAIN_ID"),
		domainName:        e("OS_DOMAIN_NAME"),
		domainID:          e("OS_DOMAIN_ID"),
		appCredID:         e("OS_APPLICATION_CREDENTIAL_ID"),
		appCredName:       e("OS_APPLICATION_CREDENTIAL_NAME"),
		appCredSecret:     e("OS_APPLICATION_CREDENTIAL_SECRET"),
		token:             first(e("OS_TOKEN"), e("OS_AUTH_TOKEN")),
		systemScope:       e("OS_SYSTEM_SCOPE"),
		region:            e("OS_REGION_NAME"),
		iface:             first(e("OS_INTERFACE"), e("OS_ENDPOINT_TYPE")),
		caCert:            e("OS_CACERT"),
	}
	if v := e("OS_INSECURE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return s, fmt.Errorf("OS_INSECURE=%q is not a boolean (use true or false)", v)
		}
		s.insecure = &b
	}
	return s, nil
}

func fromFlags(f AuthFlags) settings {
	return settings{
		authURL: f.AuthURL, region: f.RegionName, iface: f.Interface, caCert: f.CACert, insecure: f.Insecure,
		username: f.Username, password: f.Password, projectName: f.ProjectName,
		userDomainName: f.UserDomainName, projectDomainName: f.ProjectDomainName,
	}
}

// needsPassword reports whether s names a user and nothing to prove it.
func (s settings) needsPassword() bool {
	return s.password == "" && (s.username != "" || s.userID != "") &&
		s.appCredID == "" && s.appCredName == "" && s.token == ""
}

// Resolve turns flags, the OS_* environment and clouds.yaml into Keystone
// auth options, endpoint options and TLS settings. Precedence: flags, then
// environment, then the clouds.yaml entry named by --os-cloud or OS_CLOUD
// (with secure.yaml merged). Errors name the variable to set.
func Resolve(f AuthFlags) (Resolved, error) {
	env, err := fromEnv()
	if err != nil {
		return Resolved{}, err
	}
	flags := fromFlags(f)
	cloud := first(f.Cloud, os.Getenv("OS_CLOUD"))

	var s settings
	var tlsCfg *tls.Config
	source := "OS_* environment"
	if cloud != "" {
		base, cloudTLS, err := fromCloud(cloud, env, flags)
		if err != nil {
			return Resolved{}, err
		}
		s, tlsCfg = base, cloudTLS
		source = fmt.Sprintf("cloud %q (clouds.yaml)", cloud)
	}
	s.overlay(env)
	s.overlay(flags)
	if s.needsPassword() && f.PromptPassword != nil && s.authURL != "" {
		user := first(s.username, s.userID)
		pw, err := f.PromptPassword(user, s.authURL)
		if err != nil {
			return Resolved{}, fmt.Errorf("reading the password of %s: %w", user, err)
		}
		s.password = pw
	}
	if tlsCfg == nil {
		if tlsCfg, err = buildTLS(s.caCert, s.insecure); err != nil {
			return Resolved{}, err
		}
	}

	r := Resolved{TLS: tlsCfg, MonascaAPIURL: first(f.MonascaAPIURL, os.Getenv("MONASCA_API_URL")), Source: source}
	// A URL without http(s) and a host would fail later as "unsupported
	// protocol scheme" from inside the auth stage: say which setting is wrong.
	if err := checkServiceURL("OS_AUTH_URL / --os-auth-url", s.authURL, "https://keystone.example:5000/v3"); err != nil {
		return Resolved{}, err
	}
	if err := checkServiceURL("MONASCA_API_URL / --monasca-api-url", r.MonascaAPIURL, "https://monasca.example:8070/v2.0"); err != nil {
		return Resolved{}, err
	}
	if r.EndpointOpts, err = endpointOpts(s); err != nil {
		return Resolved{}, err
	}
	if r.AuthOptions, err = authOptions(s, cloud, r.MonascaAPIURL); err != nil {
		return Resolved{}, err
	}
	return r, nil
}

// fromCloud reads the clouds.yaml layer through gophercloud's parser. The
// region, interface and TLS inputs of the higher layers are handed to the
// parser so it builds the TLS config with the right CA bundle.
func fromCloud(name string, env, flags settings) (settings, *tls.Config, error) {
	opts := []clouds.ParseOption{clouds.WithCloudName(name)}
	if v := first(flags.region, env.region); v != "" {
		opts = append(opts, clouds.WithRegion(v))
	}
	if v := first(flags.iface, env.iface); v != "" {
		opts = append(opts, clouds.WithEndpointType(v))
	}
	if v := first(flags.caCert, env.caCert); v != "" {
		opts = append(opts, clouds.WithCACertPath(v))
	}
	if flags.insecure != nil {
		opts = append(opts, clouds.WithInsecure(*flags.insecure))
	} else if env.insecure != nil {
		opts = append(opts, clouds.WithInsecure(*env.insecure))
	}
	ao, eo, tlsCfg, err := clouds.Parse(opts...)
	if err != nil {
		return settings{}, nil, fmt.Errorf("--os-cloud/OS_CLOUD %q: %w (clouds.yaml is searched in ./, ~/.config/openstack/ and /etc/openstack/, or set OS_CLIENT_CONFIG_FILE)", name, err)
	}
	s := settings{
		authURL:        ao.IdentityEndpoint,
		username:       ao.Username,
		userID:         ao.UserID,
		password:       ao.Password,
		userDomainName: ao.DomainName,
		userDomainID:   ao.DomainID,
		appCredID:      ao.ApplicationCredentialID,
		appCredName:    ao.ApplicationCredentialName,
		appCredSecret:  ao.ApplicationCredentialSecret,
		token:          ao.TokenID,
		region:         eo.Region,
		iface:          string(eo.Availability),
	}
	if sc := ao.Scope; sc != nil {
		switch {
		case sc.TrustID != "":
			s.cloudScope = sc
		case sc.System:
			s.systemScope = "all"
		case sc.ProjectID != "":
			s.projectID = sc.ProjectID
		case sc.ProjectName != "":
			s.projectName, s.projectDomainName, s.projectDomainID = sc.ProjectName, sc.DomainName, sc.DomainID
		default:
			s.domainName, s.domainID = sc.DomainName, sc.DomainID
		}
	}
	return s, tlsCfg, nil
}

func endpointOpts(s settings) (gophercloud.EndpointOpts, error) {
	eo := gophercloud.EndpointOpts{Region: s.region}
	switch strings.TrimSuffix(strings.ToLower(s.iface), "url") {
	case "", "public":
		eo.Availability = gophercloud.AvailabilityPublic
	case "internal":
		eo.Availability = gophercloud.AvailabilityInternal
	case "admin":
		eo.Availability = gophercloud.AvailabilityAdmin
	default:
		return eo, fmt.Errorf("interface %q (--os-interface / OS_INTERFACE) must be public, internal or admin", s.iface)
	}
	return eo, nil
}

// defaultDomainID is what python-openstackclient assumes when an openrc
// names a user or project without its domain.
const defaultDomainID = "default"

func authOptions(s settings, cloud, monascaURL string) (gophercloud.AuthOptions, error) {
	ao := gophercloud.AuthOptions{IdentityEndpoint: s.authURL, AllowReauth: true}
	if s.authURL == "" {
		if s.token != "" && monascaURL != "" {
			// A token and a Monasca URL need no Keystone at all.
			ao.TokenID, ao.AllowReauth = s.token, false
			return ao, nil
		}
		if cloud != "" {
			return ao, fmt.Errorf("cloud %q has no auth.auth_url in clouds.yaml and OS_AUTH_URL / --os-auth-url is not set", cloud)
		}
		return ao, fmt.Errorf("OS_AUTH_URL is not set and no --os-cloud given (source an openrc file, or set OS_CLOUD to an entry of clouds.yaml)")
	}

	userDomainName, userDomainID := s.userDomainName, s.userDomainID
	if userDomainName == "" && userDomainID == "" {
		userDomainName, userDomainID = s.domainName, s.domainID
	}

	switch {
	case s.appCredID != "" || s.appCredName != "":
		// Application credentials carry their own scope: no scope may be sent.
		if s.appCredSecret == "" {
			return ao, fmt.Errorf("OS_APPLICATION_CREDENTIAL_SECRET is not set (needed with OS_APPLICATION_CREDENTIAL_ID/NAME)")
		}
		ao.ApplicationCredentialID = s.appCredID
		ao.ApplicationCredentialName = s.appCredName
		ao.ApplicationCredentialSecret = s.appCredSecret
		if s.appCredID == "" {
			// By name, the credential is looked up under its user.
			if s.username == "" && s.userID == "" {
				return ao, fmt.Errorf("OS_USERNAME or OS_USER_ID is not set (needed with OS_APPLICATION_CREDENTIAL_NAME)")
			}
			ao.Username, ao.UserID = s.username, s.userID
			if s.userID == "" {
				ao.DomainName, ao.DomainID = userDomainName, userDomainID
				if ao.DomainName == "" && ao.DomainID == "" {
					ao.DomainID = defaultDomainID
				}
			}
		}
		return ao, nil
	case s.password != "":
		if s.username == "" && s.userID == "" {
			return ao, fmt.Errorf("OS_USERNAME or OS_USER_ID is not set (OS_PASSWORD is)")
		}
		ao.Username, ao.UserID, ao.Password = s.username, s.userID, s.password
		if s.userID == "" {
			ao.DomainName, ao.DomainID = userDomainName, userDomainID
			if ao.DomainName == "" && ao.DomainID == "" {
				ao.DomainID = defaultDomainID
			}
		}
	case s.token != "":
		ao.TokenID = s.token
	case s.username != "" || s.userID != "":
		// A user was named: what is missing is its password (on a
		// terminal it was asked for; here there is none).
		return ao, fmt.Errorf("no password for user %s: set OS_PASSWORD or --os-password (asked for on a terminal), or use an application credential or OS_TOKEN", first(s.username, s.userID))
	default:
		return ao, fmt.Errorf("no credentials: set OS_USERNAME and OS_PASSWORD, OS_APPLICATION_CREDENTIAL_ID and _SECRET, or OS_TOKEN")
	}

	scope, err := buildScope(s)
	if err != nil {
		return ao, err
	}
	ao.Scope = scope
	if ao.TokenID != "" && scope == nil {
		// A bare token is passed through as is: it cannot be renewed.
		ao.AllowReauth = false
	}
	return ao, nil
}

func buildScope(s settings) (*gophercloud.AuthScope, error) {
	switch {
	case s.cloudScope != nil:
		return s.cloudScope, nil
	case s.projectID != "":
		return &gophercloud.AuthScope{ProjectID: s.projectID}, nil
	case s.projectName != "":
		sc := &gophercloud.AuthScope{ProjectName: s.projectName, DomainName: s.projectDomainName, DomainID: s.projectDomainID}
		if sc.DomainName == "" && sc.DomainID == "" {
			sc.DomainName, sc.DomainID = s.domainName, s.domainID
		}
		if sc.DomainName == "" && sc.DomainID == "" {
			sc.DomainID = defaultDomainID
		}
		return sc, nil
	case s.domainName != "" || s.domainID != "":
		return &gophercloud.AuthScope{DomainName: s.domainName, DomainID: s.domainID}, nil
	case s.systemScope != "":
		if s.systemScope != "all" {
			return nil, fmt.Errorf("OS_SYSTEM_SCOPE=%q: only \"all\" is supported", s.systemScope)
		}
		return &gophercloud.AuthScope{System: true}, nil
	}
	return nil, nil
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// checkServiceURL accepts an empty value (not set) or an absolute http(s)
// URL with a host.
func checkServiceURL(setting, v, example string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s %q: want an http:// or https:// URL with a host, e.g. %s", setting, v, example)
	}
	return nil
}
