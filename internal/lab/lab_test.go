package lab_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"

	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/lab/keystone"
	"github.com/monhook/monhook/internal/syncbuf"
)

func startLab(t *testing.T, opts lab.Options) *lab.Lab {
	t.Helper()
	l := lab.New(opts)
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return l
}

// passwordToken authenticates like gophercloud and python-keystoneclient.
func passwordToken(t *testing.T, authURL string, u lab.User) (string, map[string]any) {
	t.Helper()
	body := map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{"user": map[string]any{
			"name": u.Name, "password": u.Password, "domain": map[string]string{"name": u.UserDomain},
		}}},
		"scope": map[string]any{"project": map[string]any{"name": u.Project, "domain": map[string]string{"name": u.ProjectDomain}}},
	}}
	buf, _ := json.Marshal(body)
	resp, err := http.Post(authURL+"/auth/tokens", "application/json", bytes.NewReader(buf))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("auth: %d", resp.StatusCode)
	}
	var doc map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&doc)
	return resp.Header.Get("X-Subject-Token"), doc
}

func get(t *testing.T, url, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("X-Auth-Token", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func monitoringURL(t *testing.T, doc map[string]any) string {
	t.Helper()
	for _, s := range doc["token"].(map[string]any)["catalog"].([]any) {
		svc := s.(map[string]any)
		if svc["type"] != "monitoring" {
			continue
		}
		for _, ep := range svc["endpoints"].([]any) {
			if ep.(map[string]any)["interface"] == "public" {
				return ep.(map[string]any)["url"].(string)
			}
		}
	}
	t.Fatal("no public monitoring endpoint")
	return ""
}

func TestStartedLabServesKeystoneAndMonascaOnOnePort(t *testing.T) {
	l := startLab(t, lab.Options{})
	if !strings.HasPrefix(l.URL(), "http://127.0.0.1:") || !strings.HasSuffix(l.AuthURL(), "/identity/v3") {
		t.Fatalf("URL %q AuthURL %q", l.URL(), l.AuthURL())
	}
	tok, doc := passwordToken(t, l.AuthURL(), l.Credentials())
	mon := monitoringURL(t, doc)
	if mon != l.MonitoringURL() || !strings.HasSuffix(mon, "/monitoring/v2.0") {
		t.Fatalf("catalog %q, MonitoringURL %q", mon, l.MonitoringURL())
	}
	if code := get(t, mon+"/notification-methods", tok); code != 200 {
		t.Fatalf("list: %d", code)
	}
}

func TestSeededUsers(t *testing.T) {
	l := lab.New(lab.Options{})
	defer l.Close()
	roles := map[string]string{}
	for _, u := range l.Users() {
		roles[u.Name] = strings.Join(u.Roles, ",") + "@" + u.Project
		if u.Password == "" || u.ProjectID == "" || u.UserDomain != "Default" || u.ProjectDomain != "Default" {
			t.Fatalf("incomplete user %+v", u)
		}
	}
	want := map[string]string{
		"labuser": "monasca-user@monhook-lab", "labreader": "monasca-read-only-user@monhook-lab",
		"labagent": "monasca-agent@monhook-lab", "labadmin": "admin@monhook-lab", "otheruser": "monasca-user@other-project",
	}
	for name, r := range want {
		if roles[name] != r {
			t.Errorf("%s: %q, want %q", name, roles[name], r)
		}
	}
	if l.Credentials().Name != "labuser" || l.Region() != "RegionOne" {
		t.Fatalf("credentials %+v region %q", l.Credentials(), l.Region())
	}
}

func TestGophercloudAuthenticatesAndFindsMonitoring(t *testing.T) {
	l := startLab(t, lab.Options{})
	u := l.Credentials()
	ctx := context.Background()
	pc, err := openstack.AuthenticatedClient(ctx, gophercloud.AuthOptions{
		IdentityEndpoint: l.AuthURL(), Username: u.Name, Password: u.Password, DomainName: u.UserDomain,
		TenantName: u.Project,
	})
	if err != nil {
		t.Fatal(err)
	}
	url, err := pc.EndpointLocator(gophercloud.EndpointOpts{Type: "monitoring", Region: l.Region(), Availability: gophercloud.AvailabilityPublic})
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimRight(url, "/") != l.MonitoringURL() {
		t.Fatalf("endpoint %q", url)
	}
	if code := get(t, url+"alarms", pc.Token()); code != 200 {
		t.Fatalf("alarms: %d", code)
	}
}

func TestCatalogWithoutVersionSuffix(t *testing.T) {
	l := startLab(t, lab.Options{MonitoringWithoutVersion: true})
	tok, doc := passwordToken(t, l.AuthURL(), l.Credentials())
	mon := monitoringURL(t, doc)
	if !strings.HasSuffix(mon, "/monitoring") || mon != l.MonitoringURL() {
		t.Fatalf("catalog %q", mon)
	}
	if code := get(t, mon+"/v2.0/alarms", tok); code != 200 {
		t.Fatalf("alarms: %d", code)
	}
}

func TestDebugLogNamesRequestsWithoutTokens(t *testing.T) {
	var buf syncbuf.Buffer
	l := startLab(t, lab.Options{Debug: &buf})
	tok, _ := passwordToken(t, l.AuthURL(), l.Credentials())
	get(t, l.MonitoringURL()+"/alarms?state=OK", tok)
	out := buf.String()
	if !strings.Contains(out, "GET /monitoring/v2.0/alarms?state=OK -> 200") || !strings.Contains(out, "POST /identity/v3/auth/tokens -> 201") {
		t.Fatalf("debug log:\n%s", out)
	}
	if strings.Contains(out, tok) || strings.Contains(out, l.Credentials().Password) {
		t.Fatal("debug log leaks a secret")
	}
}

func TestExternalModeValidatesAgainstRealKeystone(t *testing.T) {
	// A Keystone standing in for the real one, on its own server.
	ks := keystone.New(keystone.Options{})
	proj := ks.AddProject("monasca-smoke")
	user := ks.AddUser("smoke-user", "pw")
	ks.Grant(user.ID, proj.ID, "monasca-user")
	svc := ks.AddUser("monasca", "svcpw")
	ks.Grant(svc.ID, proj.ID, "admin", "service")
	ksrv := httptest.NewServer(ks.Handler())
	defer ksrv.Close()

	l := startLab(t, lab.Options{KeystoneURL: ksrv.URL, ServiceUser: "monasca", ServicePassword: "svcpw", ServiceProject: "monasca-smoke"})
	if l.AuthURL() != ksrv.URL+"/v3" || len(l.Users()) != 0 || l.AgentsTenantID() != proj.ID {
		t.Fatalf("external: AuthURL %q users %d agents tenant %q", l.AuthURL(), len(l.Users()), l.AgentsTenantID())
	}
	if code := get(t, l.URL()+"/identity/v3", ""); code != 404 {
		t.Fatalf("external mode must not serve Keystone: %d", code)
	}
	tok, err := ks.IssueToken(user.ID, proj.ID)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", l.MonitoringURL()+"/notification-methods",
		strings.NewReader(`{"name":"h","type":"WEBHOOK","address":"http://127.0.0.1:9/"}`))
	req.Header.Set("X-Auth-Token", tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("create with an external token: %d", resp.StatusCode)
	}
	if n := len(l.Store().TenantMethods(proj.ID)); n != 1 {
		t.Fatalf("the method must belong to the token's project, found %d", n)
	}
	if code := get(t, l.MonitoringURL()+"/alarms", "not-a-token"); code != 401 {
		t.Fatalf("bad token: %d", code)
	}
}

func TestExternalModeFailsToStartWithBadServiceCredentials(t *testing.T) {
	ks := keystone.New(keystone.Options{})
	ksrv := httptest.NewServer(ks.Handler())
	defer ksrv.Close()
	l := lab.New(lab.Options{KeystoneURL: ksrv.URL, ServiceUser: "nobody", ServicePassword: "x"})
	defer l.Close()
	if err := l.Start(context.Background()); err == nil {
		t.Fatal("Start must fail when the service user cannot authenticate")
	}
}

func TestCloseIsIdempotentAndStartAfterCloseFails(t *testing.T) {
	l := lab.New(lab.Options{})
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	url := l.URL()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Start(context.Background()); err == nil {
		t.Fatal("Start after Close must fail")
	}
	if _, err := http.Get(url + "/monitoring/healthcheck"); err == nil {
		t.Fatal("the listener must be closed")
	}
}
