package openstack_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/openstack"
)

// openrc is what `openstack` dashboards hand out (Identity v3).
var openrc = map[string]string{
	"OS_AUTH_URL":            "https://keystone.example:5000/v3",
	"OS_USERNAME":            "alice",
	"OS_PASSWORD":            "pw",
	"OS_PROJECT_NAME":        "demo",
	"OS_USER_DOMAIN_NAME":    "Default",
	"OS_PROJECT_DOMAIN_NAME": "Default",
	"OS_REGION_NAME":         "RegionOne",
	"OS_INTERFACE":           "public",
}

func with(base map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

const cloudsYAML = `clouds:
  prod:
    auth:
      auth_url: https://prod.example:5000/v3
      username: bob
      project_id: p-prod
      user_domain_name: Users
    region_name: RegionProd
    interface: internal
  lab:
    auth:
      auth_url: http://lab.example/identity/v3
      application_credential_id: ac-lab
      application_credential_secret: from-clouds
    region_name: RegionLab
`

const secureYAML = `clouds:
  prod:
    auth:
      password: from-secure
`

func TestResolve(t *testing.T) {
	yes := true
	type want struct {
		ao  gophercloud.AuthOptions
		eo  gophercloud.EndpointOpts
		url string // MonascaAPIURL
	}
	cases := []struct {
		name    string
		env     map[string]string
		clouds  bool // write clouds.yaml + secure.yaml and point OS_CLIENT_CONFIG_FILE at it
		flags   openstack.AuthFlags
		want    *want
		wantErr string
	}{
		{
			name: "standard openrc with user and project domain names",
			env:  openrc,
			want: &want{
				ao: gophercloud.AuthOptions{IdentityEndpoint: "https://keystone.example:5000/v3", Username: "alice", Password: "pw",
					DomainName: "Default", AllowReauth: true,
					Scope: &gophercloud.AuthScope{ProjectName: "demo", DomainName: "Default"}},
				eo: gophercloud.EndpointOpts{Region: "RegionOne", Availability: gophercloud.AvailabilityPublic},
			},
		},
		{
			name: "domain ids",
			env: with(openrc, "OS_USER_DOMAIN_NAME", "", "OS_PROJECT_DOMAIN_NAME", "",
				"OS_USER_DOMAIN_ID", "ud", "OS_PROJECT_DOMAIN_ID", "pd", "OS_INTERFACE", "internalURL"),
			want: &want{
				ao: gophercloud.AuthOptions{IdentityEndpoint: "https://keystone.example:5000/v3", Username: "alice", Password: "pw",
					DomainID: "ud", AllowReauth: true, Scope: &gophercloud.AuthScope{ProjectName: "demo", DomainID: "pd"}},
				eo: gophercloud.EndpointOpts{Region: "RegionOne", Availability: gophercloud.AvailabilityInternal},
			},
		},
		{
			name: "OS_DOMAIN_NAME stands in for both domains",
			env:  with(openrc, "OS_USER_DOMAIN_NAME", "", "OS_PROJECT_DOMAIN_NAME", "", "OS_DOMAIN_NAME", "Corp"),
			want: &want{
				ao: gophercloud.AuthOptions{IdentityEndpoint: "https://keystone.example:5000/v3", Username: "alice", Password: "pw",
					DomainName: "Corp", AllowReauth: true, Scope: &gophercloud.AuthScope{ProjectName: "demo", DomainName: "Corp"}},
				eo: gophercloud.EndpointOpts{Region: "RegionOne", Availability: gophercloud.AvailabilityPublic},
			},
		},
		{
			name: "no domains at all falls back to the default domain like python-openstackclient",
			env:  with(openrc, "OS_USER_DOMAIN_NAME", "", "OS_PROJECT_DOMAIN_NAME", "", "OS_REGION_NAME", "", "OS_INTERFACE", ""),
			want: &want{
				ao: gophercloud.AuthOptions{IdentityEndpoint: "https://keystone.example:5000/v3", Username: "alice", Password: "pw",
					DomainID: "default", AllowReauth: true, Scope: &gophercloud.AuthScope{ProjectName: "demo", DomainID: "default"}},
				eo: gophercloud.EndpointOpts{Availability: gophercloud.AvailabilityPublic},
			},
		},
		{
			name: "project id scope wins over nothing else",
			env:  with(openrc, "OS_PROJECT_NAME", "", "OS_PROJECT_ID", "p1"),
			want: &want{
				ao: gophercloud.AuthOptions{IdentityEndpoint: "https://keystone.example:5000/v3", Username: "alice", Password: "pw",
					DomainName: "Default", AllowReauth: true, Scope: &gophercloud.AuthScope{ProjectID: "p1"}},
				eo: gophercloud.EndpointOpts{Region: "RegionOne", Availability: gophercloud.AvailabilityPublic},
			},
		},
		{
			name: "application credential by id sends no scope",
			env: map[string]string{"OS_AUTH_URL": "http://ks/v3", "OS_APPLICATION_CREDENTIAL_ID": "ac1",
				"OS_APPLICATION_CREDENTIAL_SECRET": "s", "OS_PROJECT_NAME": "ignored"},
			want: &want{
				ao: gophercloud.AuthOptions{IdentityEndpoint: "http://ks/v3", ApplicationCredentialID: "ac1",
					ApplicationCredentialSecret: "s", AllowReauth: true},
				eo: gophercloud.EndpointOpts{Availability: gophercloud.AvailabilityPublic},
			},
		},
		{
			name: "application credential by name needs its user",
			env: map[string]string{"OS_AUTH_URL": "http://ks/v3", "OS_APPLICATION_CREDENTIAL_NAME": "ci",
				"OS_APPLICATION_CREDENTIAL_SECRET": "s", "OS_USERNAME": "alice", "OS_USER_DOMAIN_NAME": "Default"},
			want: &want{
				ao: gophercloud.AuthOptions{IdentityEndpoint: "http://ks/v3", ApplicationCredentialName: "ci",
					ApplicationCredentialSecret: "s", Username: "alice", DomainName: "Default", AllowReauth: true},
				eo: gophercloud.EndpointOpts{Availability: gophercloud.AvailabilityPublic},
			},
		},
		{
			name: "scoped token can be renewed",
			env: map[string]string{"OS_AUTH_URL": "http://ks/v3", "OS_TOKEN": "tok", "OS_PROJECT_NAME": "demo",
				"OS_PROJECT_DOMAIN_NAME": "Default"},
			want: &want{
				ao: gophercloud.AuthOptions{IdentityEndpoint: "http://ks/v3", TokenID: "tok", AllowReauth: true,
					Scope: &gophercloud.AuthScope{ProjectName: "demo", DomainName: "Default"}},
				eo: gophercloud.EndpointOpts{Availability: gophercloud.AvailabilityPublic},
			},
		},
		{
			name: "bare token is passed through without re-auth",
			env:  map[string]string{"OS_AUTH_URL": "http://ks/v3", "OS_TOKEN": "tok"},
			want: &want{
				ao: gophercloud.AuthOptions{IdentityEndpoint: "http://ks/v3", TokenID: "tok"},
				eo: gophercloud.EndpointOpts{Availability: gophercloud.AvailabilityPublic},
			},
		},
		{
			name: "token and Monasca URL need no Keystone",
			env:  map[string]string{"OS_TOKEN": "tok", "MONASCA_API_URL": "http://mon:8070/v2.0"},
			want: &want{
				ao:  gophercloud.AuthOptions{TokenID: "tok"},
				eo:  gophercloud.EndpointOpts{Availability: gophercloud.AvailabilityPublic},
				url: "http://mon:8070/v2.0",
			},
		},
		{
			name:  "flags beat the environment",
			env:   openrc,
			flags: openstack.AuthFlags{AuthURL: "http://flag/v3", RegionName: "RegionFlag", Interface: "admin", MonascaAPIURL: "http://flagmon/"},
			want: &want{
				ao: gophercloud.AuthOptions{IdentityEndpoint: "http://flag/v3", Username: "alice", Password: "pw",
					DomainName: "Default", AllowReauth: true, Scope: &gophercloud.AuthScope{ProjectName: "demo", DomainName: "Default"}},
				eo:  gophercloud.EndpointOpts{Region: "RegionFlag", Availability: gophercloud.AvailabilityAdmin},
				url: "http://flagmon/",
			},
		},
		{
			name:   "clouds.yaml entry with secure.yaml password, via --os-cloud",
			clouds: true,
			flags:  openstack.AuthFlags{Cloud: "prod"},
			want: &want{
				ao: gophercloud.AuthOptions{IdentityEndpoint: "https://prod.example:5000/v3", Username: "bob", Password: "from-secure",
					DomainName: "Users", AllowReauth: true, Scope: &gophercloud.AuthScope{ProjectID: "p-prod"}},
				eo: gophercloud.EndpointOpts{Region: "RegionProd", Availability: gophercloud.AvailabilityInternal},
			},
		},
		{
			name:   "OS_CLOUD selects the entry; application credential from clouds.yaml",
			clouds: true,
			env:    map[string]string{"OS_CLOUD": "lab"},
			want: &want{
				ao: gophercloud.AuthOptions{IdentityEndpoint: "http://lab.example/identity/v3", ApplicationCredentialID: "ac-lab",
					ApplicationCredentialSecret: "from-clouds", AllowReauth: true},
				eo: gophercloud.EndpointOpts{Region: "RegionLab", Availability: gophercloud.AvailabilityPublic},
			},
		},
		{
			name:   "environment beats clouds.yaml, flags beat both; a project name replaces the cloud's project id",
			clouds: true,
			env:    map[string]string{"OS_CLOUD": "prod", "OS_REGION_NAME": "RegionEnv", "OS_PASSWORD": "from-env", "OS_PROJECT_NAME": "other", "OS_PROJECT_DOMAIN_ID": "pd"},
			flags:  openstack.AuthFlags{Interface: "public"},
			want: &want{
				ao: gophercloud.AuthOptions{IdentityEndpoint: "https://prod.example:5000/v3", Username: "bob", Password: "from-env",
					DomainName: "Users", AllowReauth: true, Scope: &gophercloud.AuthScope{ProjectName: "other", DomainID: "pd"}},
				eo: gophercloud.EndpointOpts{Region: "RegionEnv", Availability: gophercloud.AvailabilityPublic},
			},
		},
		{name: "nothing set", env: map[string]string{}, wantErr: "OS_AUTH_URL is not set and no --os-cloud given"},
		{name: "password without user", env: map[string]string{"OS_AUTH_URL": "http://ks/v3", "OS_PASSWORD": "pw"}, wantErr: "OS_USERNAME or OS_USER_ID is not set"},
		{name: "no credentials", env: map[string]string{"OS_AUTH_URL": "http://ks/v3"}, wantErr: "no credentials"},
		{name: "user without password", env: map[string]string{"OS_AUTH_URL": "http://ks/v3", "OS_USERNAME": "a"}, wantErr: "no password for user a: set OS_PASSWORD or --os-password"},
		{name: "app cred without secret", env: map[string]string{"OS_AUTH_URL": "http://ks/v3", "OS_APPLICATION_CREDENTIAL_ID": "a"}, wantErr: "OS_APPLICATION_CREDENTIAL_SECRET is not set"},
		{name: "bad interface", env: with(openrc, "OS_INTERFACE", "private"), wantErr: "OS_INTERFACE"},
		{name: "bad OS_INSECURE", env: with(openrc, "OS_INSECURE", "maybe"), wantErr: "OS_INSECURE"},
		{name: "unknown cloud", clouds: true, flags: openstack.AuthFlags{Cloud: "nope"}, wantErr: `"nope"`},
		{name: "missing CA bundle", env: with(openrc, "OS_CACERT", "/does/not/exist.pem"), wantErr: "OS_CACERT"},
		{name: "auth URL without a scheme", env: with(openrc, "OS_AUTH_URL", "keystone:5000/v3"), wantErr: `OS_AUTH_URL / --os-auth-url "keystone:5000/v3": want an http:// or https:// URL`},
		{name: "auth URL flag not a URL", env: openrc, flags: openstack.AuthFlags{AuthURL: "notaurl"}, wantErr: `--os-auth-url "notaurl"`},
		{name: "Monasca URL not http", env: openrc, flags: openstack.AuthFlags{MonascaAPIURL: "ftp://m/v2.0"}, wantErr: `--monasca-api-url "ftp://m/v2.0"`},
		{name: "insecure flag parses", env: openrc, flags: openstack.AuthFlags{Insecure: &yes}, want: &want{
			ao: gophercloud.AuthOptions{IdentityEndpoint: "https://keystone.example:5000/v3", Username: "alice", Password: "pw",
				DomainName: "Default", AllowReauth: true, Scope: &gophercloud.AuthScope{ProjectName: "demo", DomainName: "Default"}},
			eo: gophercloud.EndpointOpts{Region: "RegionOne", Availability: gophercloud.AvailabilityPublic},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := tc.env
			if tc.clouds {
				env = with(env, "OS_CLIENT_CONFIG_FILE", writeClouds(t, cloudsYAML, secureYAML))
			}
			cleanEnv(t, env)
			got, err := openstack.Resolve(tc.flags)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if !reflect.DeepEqual(got.AuthOptions, tc.want.ao) {
				t.Errorf("AuthOptions =\n %+v (scope %+v)\nwant\n %+v (scope %+v)", got.AuthOptions, got.AuthOptions.Scope, tc.want.ao, tc.want.ao.Scope)
			}
			if !reflect.DeepEqual(got.EndpointOpts, tc.want.eo) {
				t.Errorf("EndpointOpts = %+v, want %+v", got.EndpointOpts, tc.want.eo)
			}
			if got.MonascaAPIURL != tc.want.url {
				t.Errorf("MonascaAPIURL = %q, want %q", got.MonascaAPIURL, tc.want.url)
			}
			if got.TLS == nil {
				t.Fatal("TLS config is nil")
			}
			if wantInsecure := tc.flags.Insecure != nil && *tc.flags.Insecure; got.TLS.InsecureSkipVerify != wantInsecure {
				t.Errorf("InsecureSkipVerify = %v, want %v", got.TLS.InsecureSkipVerify, wantInsecure)
			}
		})
	}
}

func TestResolveOpenStackCLIFlagsOverrideTheEnvironment(t *testing.T) {
	cleanEnv(t, openrc)
	r, err := openstack.Resolve(openstack.AuthFlags{Username: "carol", Password: "flagpw", ProjectName: "ops",
		UserDomainName: "Staff", ProjectDomainName: "Projects"})
	if err != nil {
		t.Fatal(err)
	}
	ao := r.AuthOptions
	if ao.Username != "carol" || ao.Password != "flagpw" || ao.DomainName != "Staff" ||
		ao.Scope == nil || ao.Scope.ProjectName != "ops" || ao.Scope.DomainName != "Projects" {
		t.Errorf("auth options = %+v scope %+v", ao, ao.Scope)
	}
}

func TestResolvePromptsForAMissingPasswordOnly(t *testing.T) {
	noPassword := with(openrc, "OS_PASSWORD", "")
	for _, tc := range []struct {
		name       string
		env        map[string]string
		flags      openstack.AuthFlags
		wantPrompt bool
		wantPW     string
	}{
		{"user without password", noPassword, openstack.AuthFlags{}, true, "typed"},
		{"password in the environment", openrc, openstack.AuthFlags{}, false, "pw"},
		{"password flag", noPassword, openstack.AuthFlags{Password: "flagpw"}, false, "flagpw"},
		{"application credential needs none", map[string]string{"OS_AUTH_URL": "http://k/v3", "OS_APPLICATION_CREDENTIAL_ID": "ac", "OS_APPLICATION_CREDENTIAL_SECRET": "s"}, openstack.AuthFlags{}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cleanEnv(t, tc.env)
			asked := ""
			tc.flags.PromptPassword = func(user, authURL string) (string, error) {
				asked = user + "@" + authURL
				return "typed", nil
			}
			r, err := openstack.Resolve(tc.flags)
			if err != nil {
				t.Fatal(err)
			}
			if (asked != "") != tc.wantPrompt {
				t.Fatalf("prompted %q, want prompt %v", asked, tc.wantPrompt)
			}
			if tc.wantPrompt && asked != "alice@https://keystone.example:5000/v3" {
				t.Errorf("prompt named %q, want the user and the auth URL", asked)
			}
			if r.AuthOptions.Password != tc.wantPW {
				t.Errorf("password = %q, want %q", r.AuthOptions.Password, tc.wantPW)
			}
		})
	}
}
