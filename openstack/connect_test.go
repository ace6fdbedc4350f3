package openstack_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/monhook/monhook/openstack"
	"github.com/monhook/monhook/openstack/internal/fakekeystone"
	monitoring "github.com/monhook/monhook/openstack/monitoring/v2"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
)

// fakeOpenrc is a standard openrc pointing at the fake.
func fakeOpenrc(fk *fakekeystone.Server) map[string]string {
	return map[string]string{
		"OS_AUTH_URL":            fk.AuthURL(),
		"OS_USERNAME":            fakekeystone.UserName,
		"OS_PASSWORD":            fakekeystone.Password,
		"OS_PROJECT_NAME":        fakekeystone.ProjectName,
		"OS_USER_DOMAIN_NAME":    fakekeystone.DomainName,
		"OS_PROJECT_DOMAIN_NAME": fakekeystone.DomainName,
		"OS_REGION_NAME":         "RegionOne",
		"OS_INTERFACE":           "public",
	}
}

// listTypes makes one authenticated Monasca call and returns its path.
func listTypes(t *testing.T, fk *fakekeystone.Server, s *openstack.Session) (string, error) {
	t.Helper()
	pages, err := notificationmethods.ListTypes(s.Monitoring).AllPages(context.Background())
	if err != nil {
		return "", err
	}
	if _, err := notificationmethods.ExtractTypes(pages); err != nil {
		return "", err
	}
	paths := fk.MonascaPaths()
	return paths[len(paths)-1], nil
}

func TestConnectFindsMonitoringEndpointInAnyURLShape(t *testing.T) {
	for _, tc := range []struct{ name, suffix, wantPath string }{
		{"catalog URL ends in /v2.0", "/v2.0", "/v2.0/notification-methods/types"},
		{"versionless catalog URL", "", "/v2.0/notification-methods/types"},
		{"path prefix with /v2.0", "/metrics/v2.0", "/metrics/v2.0/notification-methods/types"},
		{"path prefix, versionless, trailing slash", "/metrics/", "/metrics/v2.0/notification-methods/types"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fk := fakekeystone.New()
			defer fk.Close()
			fk.SetCatalog(
				fakekeystone.Endpoint{Region: "RegionOne", Interface: "internal", URL: fk.URL + "/wrong-interface"},
				fakekeystone.Endpoint{Region: "RegionOne", Interface: "public", URL: fk.URL + tc.suffix},
			)
			cleanEnv(t, fakeOpenrc(fk))
			s, err := openstack.Connect(context.Background(), openstack.AuthFlags{})
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			got, err := listTypes(t, fk, s)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.wantPath {
				t.Errorf("Monasca path = %q, want %q", got, tc.wantPath)
			}
			if s.ProjectID != fakekeystone.ProjectID || s.ProjectName != fakekeystone.ProjectName || s.UserID != fakekeystone.UserID {
				t.Errorf("session identity = %q/%q/%q", s.ProjectID, s.ProjectName, s.UserID)
			}
			if !slices.Contains(s.Roles, fakekeystone.MonascaRole) {
				t.Errorf("Roles = %v, want monasca-user among them", s.Roles)
			}
		})
	}
}

func TestConnectWithCloudsYAML(t *testing.T) {
	fk := fakekeystone.New()
	defer fk.Close()
	fk.SetCatalog(fakekeystone.Endpoint{Region: "RegionOne", Interface: "internal", URL: fk.URL + "/v2.0"})
	clouds := `clouds:
  fake:
    auth:
      auth_url: ` + fk.AuthURL() + `
      username: alice
      project_name: demo
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: internal
`
	secure := "clouds:\n  fake:\n    auth:\n      password: " + fakekeystone.Password + "\n"
	cleanEnv(t, map[string]string{"OS_CLIENT_CONFIG_FILE": writeClouds(t, clouds, secure)})
	s, err := openstack.Connect(context.Background(), openstack.AuthFlags{Cloud: "fake"})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if _, err := listTypes(t, fk, s); err != nil {
		t.Fatal(err)
	}
	if s.ProjectID != fakekeystone.ProjectID {
		t.Errorf("ProjectID = %q", s.ProjectID)
	}
}

func TestConnectWithApplicationCredential(t *testing.T) {
	fk := fakekeystone.New()
	defer fk.Close()
	fk.SetCatalog(fakekeystone.Endpoint{Region: "RegionOne", Interface: "public", URL: fk.URL + "/v2.0"})
	cleanEnv(t, map[string]string{
		"OS_AUTH_URL":                      fk.AuthURL(),
		"OS_APPLICATION_CREDENTIAL_ID":     fakekeystone.AppCredID,
		"OS_APPLICATION_CREDENTIAL_SECRET": fakekeystone.AppCredSecret,
	})
	s, err := openstack.Connect(context.Background(), openstack.AuthFlags{})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if _, err := listTypes(t, fk, s); err != nil {
		t.Fatal(err)
	}
}

func TestConnectReauthenticatesWhenTheTokenExpires(t *testing.T) {
	fk := fakekeystone.New()
	defer fk.Close()
	fk.SetCatalog(fakekeystone.Endpoint{Region: "RegionOne", Interface: "public", URL: fk.URL + "/v2.0"})
	cleanEnv(t, fakeOpenrc(fk))
	s, err := openstack.Connect(context.Background(), openstack.AuthFlags{})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	fk.ExpireTokens()
	if _, err := listTypes(t, fk, s); err != nil {
		t.Fatalf("call after expiry: %v", err)
	}
	if got := fk.Issued(); got != 2 {
		t.Errorf("tokens issued = %d, want 2 (login + re-auth)", got)
	}
}

func TestConnectPassesThroughABareToken(t *testing.T) {
	fk := fakekeystone.New()
	defer fk.Close()
	fk.SetCatalog(fakekeystone.Endpoint{Region: "RegionOne", Interface: "public", URL: fk.URL + "/v2.0"})
	cleanEnv(t, map[string]string{"OS_AUTH_URL": fk.AuthURL(), "OS_TOKEN": fk.IssueToken()})
	s, err := openstack.Connect(context.Background(), openstack.AuthFlags{})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if _, err := listTypes(t, fk, s); err != nil {
		t.Fatal(err)
	}
	if s.ProjectID != fakekeystone.ProjectID {
		t.Errorf("ProjectID = %q, want it from the validated token", s.ProjectID)
	}
}

func TestConnectWithTokenAndMonascaURLSkipsKeystone(t *testing.T) {
	fk := fakekeystone.New()
	defer fk.Close()
	tok := fk.IssueToken()
	cleanEnv(t, map[string]string{"OS_TOKEN": tok, "MONASCA_API_URL": fk.URL + "/mon/v2.0"})
	s, err := openstack.Connect(context.Background(), openstack.AuthFlags{})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	got, err := listTypes(t, fk, s)
	if err != nil {
		t.Fatal(err)
	}
	if got != "/mon/v2.0/notification-methods/types" {
		t.Errorf("path = %q", got)
	}
	if fk.Issued() != 1 {
		t.Errorf("Keystone issued %d tokens, want only the test's own", fk.Issued())
	}
}

func TestConnectMonascaURLFlagSkipsTheCatalog(t *testing.T) {
	fk := fakekeystone.New()
	defer fk.Close() // catalog left empty on purpose
	cleanEnv(t, fakeOpenrc(fk))
	s, err := openstack.Connect(context.Background(), openstack.AuthFlags{MonascaAPIURL: fk.URL + "/direct"})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	got, err := listTypes(t, fk, s)
	if err != nil {
		t.Fatal(err)
	}
	if got != "/direct/v2.0/notification-methods/types" {
		t.Errorf("path = %q", got)
	}
}

func assertKind(t *testing.T, err error, kind openstack.ErrorKind, contains ...string) *openstack.Error {
	t.Helper()
	var e *openstack.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want *openstack.Error", err, err)
	}
	if e.Kind != kind {
		t.Fatalf("Kind = %v, want %v (message %q)", e.Kind, kind, e.Message)
	}
	for _, c := range contains {
		if !strings.Contains(e.Error(), c) {
			t.Errorf("message %q does not contain %q", e.Error(), c)
		}
	}
	return e
}

func TestConnectMissingEndpointNamesRegionAndInterface(t *testing.T) {
	fk := fakekeystone.New()
	defer fk.Close()
	fk.SetCatalog(fakekeystone.Endpoint{Region: "RegionOne", Interface: "public", URL: fk.URL + "/v2.0"})
	cleanEnv(t, with(fakeOpenrc(fk), "OS_REGION_NAME", "RegionTwo", "OS_INTERFACE", "internal"))
	_, err := openstack.Connect(context.Background(), openstack.AuthFlags{})
	assertKind(t, err, openstack.KindEndpoint, "'monitoring'", "region RegionTwo", "interface internal",
		"--os-region-name", "--monasca-api-url", "region RegionOne/interface public")
}

func TestConnectNoMonitoringServiceAtAll(t *testing.T) {
	fk := fakekeystone.New()
	defer fk.Close()
	cleanEnv(t, fakeOpenrc(fk))
	_, err := openstack.Connect(context.Background(), openstack.AuthFlags{})
	assertKind(t, err, openstack.KindEndpoint, "no 'monitoring' service at all")
}

func TestConnectWrongPasswordIsKeystone401(t *testing.T) {
	fk := fakekeystone.New()
	defer fk.Close()
	cleanEnv(t, with(fakeOpenrc(fk), "OS_PASSWORD", "wrong-password-xyz"))
	_, err := openstack.Connect(context.Background(), openstack.AuthFlags{})
	e := assertKind(t, err, openstack.KindAuth, "Keystone rejected", "'alice'", "'Default'", fk.AuthURL())
	if strings.Contains(e.Error(), "wrong-password-xyz") {
		t.Errorf("message leaks the password: %q", e.Error())
	}
}

func TestMissingRoleIsExplainedAsForbidden(t *testing.T) {
	fk := fakekeystone.New()
	defer fk.Close()
	fk.SetCatalog(fakekeystone.Endpoint{Region: "RegionOne", Interface: "public", URL: fk.URL + "/v2.0"})
	fk.SetRoles("member", "admin")
	cleanEnv(t, fakeOpenrc(fk))
	s, err := openstack.Connect(context.Background(), openstack.AuthFlags{})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	_, err = listTypes(t, fk, s)
	assertKind(t, s.Explain(err), openstack.KindForbidden, "monasca-user", "project 'demo'", "401 Forbidden")
}

// Monasca's 401 Forbidden refuses the role of a valid token: gophercloud
// must not log in again and replay (two Keystone logins, every refused
// request sent twice).
func TestMissingRoleIsNeitherReauthenticatedNorReplayed(t *testing.T) {
	fk := fakekeystone.New()
	defer fk.Close()
	fk.SetCatalog(fakekeystone.Endpoint{Region: "RegionOne", Interface: "public", URL: fk.URL + "/v2.0"})
	fk.SetRoles("member")
	cleanEnv(t, fakeOpenrc(fk))
	s, err := openstack.Connect(context.Background(), openstack.AuthFlags{})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	for i := 1; i <= 2; i++ {
		_, err = listTypes(t, fk, s)
		if !monitoring.IsForbiddenRole(err) || monitoring.StatusCode(err) != 401 {
			t.Fatalf("call %d: %v, want Monasca's 401 Forbidden", i, err)
		}
		assertKind(t, s.Explain(err), openstack.KindForbidden, "monasca-user", "401 Forbidden")
		if got, sent := fk.Issued(), len(fk.MonascaPaths()); got != 1 || sent != i {
			t.Fatalf("after %d refused calls: %d tokens issued, %d requests sent; want 1 and %d", i, got, sent, i)
		}
	}
	// Once the role is granted, an expired token is still re-authenticated:
	// the token's latest 401 is now keystonemiddleware's.
	fk.SetRoles("member", fakekeystone.MonascaRole)
	fk.ExpireTokens()
	if _, err := listTypes(t, fk, s); err != nil {
		t.Fatalf("call after expiry: %v", err)
	}
	if got := fk.Issued(); got != 2 {
		t.Errorf("tokens issued = %d, want 2 (login + re-auth)", got)
	}
}

func TestConnectionRefusedNamesTheURL(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	env := map[string]string{"OS_AUTH_URL": "http://" + addr + "/v3", "OS_USERNAME": "a", "OS_PASSWORD": "b",
		"OS_PROJECT_NAME": "p", "OS_USER_DOMAIN_NAME": "Default", "OS_PROJECT_DOMAIN_NAME": "Default"}
	cleanEnv(t, env)
	_, err = openstack.Connect(context.Background(), openstack.AuthFlags{})
	assertKind(t, err, openstack.KindUnreachable, addr, "connection refused")
}

func TestConnectTLS(t *testing.T) {
	fk := fakekeystone.NewTLS()
	defer fk.Close()
	fk.SetCatalog(fakekeystone.Endpoint{Region: "RegionOne", Interface: "public", URL: fk.URL + "/v2.0"})
	ca, err := fk.CAFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}

	t.Run("unknown authority suggests --os-cacert", func(t *testing.T) {
		cleanEnv(t, fakeOpenrc(fk))
		_, err := openstack.Connect(context.Background(), openstack.AuthFlags{})
		assertKind(t, err, openstack.KindTLS, "--os-cacert", "--insecure")
	})
	t.Run("OS_CACERT trusts the server", func(t *testing.T) {
		cleanEnv(t, with(fakeOpenrc(fk), "OS_CACERT", ca))
		s, err := openstack.Connect(context.Background(), openstack.AuthFlags{})
		if err != nil {
			t.Fatalf("Connect: %v", err)
		}
		if _, err := listTypes(t, fk, s); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("--insecure skips verification", func(t *testing.T) {
		cleanEnv(t, fakeOpenrc(fk))
		yes := true
		if _, err := openstack.Connect(context.Background(), openstack.AuthFlags{Insecure: &yes}); err != nil {
			t.Fatalf("Connect: %v", err)
		}
	})
	t.Run("https to a plain HTTP server says so", func(t *testing.T) {
		plain := fakekeystone.New()
		defer plain.Close()
		cleanEnv(t, with(fakeOpenrc(plain), "OS_AUTH_URL", strings.Replace(plain.AuthURL(), "http://", "https://", 1)))
		_, err := openstack.Connect(context.Background(), openstack.AuthFlags{})
		assertKind(t, err, openstack.KindTLS, "does not speak TLS")
	})
}

func TestConnectConfigErrorsAreKindConfig(t *testing.T) {
	cleanEnv(t, nil)
	_, err := openstack.Connect(context.Background(), openstack.AuthFlags{})
	assertKind(t, err, openstack.KindConfig, "OS_AUTH_URL is not set")
}

func TestDebugTraceRedactsEverySecret(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  func(*fakekeystone.Server) map[string]string
		// renewable: a scoped OS_TOKEN cannot outlive its own expiry
		renewable bool
	}{
		{"password", fakeOpenrc, true},
		{"application credential", func(fk *fakekeystone.Server) map[string]string {
			return map[string]string{"OS_AUTH_URL": fk.AuthURL(), "OS_APPLICATION_CREDENTIAL_NAME": fakekeystone.AppCredName,
				"OS_APPLICATION_CREDENTIAL_SECRET": fakekeystone.AppCredSecret, "OS_USERNAME": fakekeystone.UserName,
				"OS_USER_DOMAIN_NAME": fakekeystone.DomainName}
		}, true},
		{"scoped token", func(fk *fakekeystone.Server) map[string]string {
			return map[string]string{"OS_AUTH_URL": fk.AuthURL(), "OS_TOKEN": fk.IssueToken(),
				"OS_PROJECT_ID": fakekeystone.ProjectID}
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fk := fakekeystone.New()
			defer fk.Close()
			fk.SetCatalog(fakekeystone.Endpoint{Region: "RegionOne", Interface: "public", URL: fk.URL + "/v2.0"})
			cleanEnv(t, tc.env(fk))
			var trace bytes.Buffer
			s, err := openstack.Connect(context.Background(), openstack.AuthFlags{Debug: &trace, UserAgent: "monhook/test"})
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			wantInTrace := []string{"--> POST " + fk.AuthURL() + "/auth/tokens", "<-- POST", "201 Created",
				"X-Subject-Token: ***", "X-Auth-Token: ***", "/v2.0/notification-methods/types", "User-Agent: monhook/test"}
			if tc.renewable {
				fk.ExpireTokens() // force a 401 and a re-auth into the trace too
				wantInTrace = append(wantInTrace, "401 Unauthorized")
			}
			if _, err := listTypes(t, fk, s); err != nil {
				t.Fatal(err)
			}
			out := trace.String()
			for _, want := range wantInTrace {
				if !strings.Contains(out, want) {
					t.Errorf("trace lacks %q", want)
				}
			}
			secrets := append(fk.Tokens(), fakekeystone.Password, fakekeystone.AppCredSecret)
			for _, secret := range secrets {
				if strings.Contains(out, secret) {
					t.Errorf("trace contains secret %q:\n%s", secret, out)
				}
			}
		})
	}
}

// The Java API refuses a role with its own 401 body: one 401 on the wire,
// no second login, no replay, and the monasca-user hint; its 401 for an
// expired token ("Failed to authenticate request") is still re-authenticated.
func TestJavaRoleRefusalIsOne401(t *testing.T) {
	fk := fakekeystone.New()
	defer fk.Close()
	fk.SetCatalog(fakekeystone.Endpoint{Region: "RegionOne", Interface: "public", URL: fk.URL + "/v2.0"})
	fk.SetJava(true)
	fk.SetRoles("member")
	cleanEnv(t, fakeOpenrc(fk))
	s, err := openstack.Connect(context.Background(), openstack.AuthFlags{})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	_, err = listTypes(t, fk, s)
	if !monitoring.IsForbiddenRole(err) {
		t.Fatalf("got %v, want the Java role refusal", err)
	}
	if strings.Contains(err.Error(), "re-authenticated") {
		t.Errorf("error %q reports a re-authentication", err)
	}
	assertKind(t, s.Explain(err), openstack.KindForbidden, "monasca-user", "Tenant is missing a required role")
	if got, sent := fk.Issued(), len(fk.MonascaPaths()); got != 1 || sent != 1 {
		t.Fatalf("%d tokens issued, %d requests sent; want 1 and 1", got, sent)
	}
	fk.SetRoles("member", fakekeystone.MonascaRole)
	fk.ExpireTokens()
	if _, err := listTypes(t, fk, s); err != nil {
		t.Fatalf("call after expiry: %v", err)
	}
	if got := fk.Issued(); got != 2 {
		t.Errorf("tokens issued = %d, want 2 (login + re-auth after the Java 401 for an expired token)", got)
	}
}
