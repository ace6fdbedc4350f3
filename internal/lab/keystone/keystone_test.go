package keystone

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/clock/clocktest"
)

type fixture struct {
	ks      *Server
	srv     *httptest.Server
	clk     *clocktest.Fake
	proj    Project
	other   Project
	user    User
	admin   User
	service User
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	clk := clocktest.New(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	ks := New(Options{Clock: clk, TokenTTL: time.Hour, Catalog: func(r *http.Request) []Service {
		return []Service{{ID: "mon", Type: "monitoring", Name: "monasca", Endpoints: map[string]string{
			"public": "http://" + r.Host + "/monitoring/v2.0", "internal": "http://i", "admin": "http://a",
		}}}
	}})
	f := &fixture{ks: ks, clk: clk}
	f.proj = ks.AddProject("monhook-lab")
	f.other = ks.AddProject("other-project")
	f.user = ks.AddUser("labuser", "pw")
	ks.Grant(f.user.ID, f.proj.ID, "monasca-user")
	f.admin = ks.AddUser("labadmin", "adminpw")
	ks.Grant(f.admin.ID, f.proj.ID, "admin")
	f.service = ks.AddUser("svc", "svcpw")
	ks.Grant(f.service.ID, f.proj.ID, "service")
	mux := http.NewServeMux()
	mux.Handle("/identity/", http.StripPrefix("/identity", ks.Handler()))
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) post(t *testing.T, path string, body any, token string) (*http.Response, map[string]any) {
	t.Helper()
	buf, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/identity"+path, bytes.NewReader(buf))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("X-Auth-Token", token)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&doc)
	return resp, doc
}

func passwordAuth(user map[string]any, scope any) map[string]any {
	a := map[string]any{"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{"user": user}}}
	if scope != nil {
		a["scope"] = scope
	}
	return map[string]any{"auth": a}
}

var defaultDomain = map[string]string{"name": "Default"}

func TestPasswordAuthByNameAndByIDWithProjectScope(t *testing.T) {
	f := newFixture(t)
	cases := map[string]map[string]any{
		"name+domain / project name+domain": passwordAuth(
			map[string]any{"name": "labuser", "password": "pw", "domain": defaultDomain},
			map[string]any{"project": map[string]any{"name": "monhook-lab", "domain": map[string]string{"id": "default"}}}),
		"user id / project id": passwordAuth(
			map[string]any{"id": f.user.ID, "password": "pw"},
			map[string]any{"project": map[string]any{"id": f.proj.ID}}),
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			resp, doc := f.post(t, "/v3/auth/tokens", body, "")
			if resp.StatusCode != http.StatusCreated || resp.Header.Get("X-Subject-Token") == "" {
				t.Fatalf("status %d, token %q", resp.StatusCode, resp.Header.Get("X-Subject-Token"))
			}
			tok := doc["token"].(map[string]any)
			if tok["project"].(map[string]any)["id"] != f.proj.ID {
				t.Fatalf("project %v", tok["project"])
			}
			roles := tok["roles"].([]any)
			if len(roles) != 1 || roles[0].(map[string]any)["name"] != "monasca-user" {
				t.Fatalf("roles %v", roles)
			}
			cat := tok["catalog"].([]any)
			svc := cat[0].(map[string]any)
			if svc["type"] != "monitoring" || len(svc["endpoints"].([]any)) != 3 {
				t.Fatalf("catalog %v", cat)
			}
			ep := svc["endpoints"].([]any)[0].(map[string]any)
			if ep["interface"] != "public" || ep["region_id"] != "RegionOne" || ep["url"] != f.srv.URL+"/monitoring/v2.0" {
				t.Fatalf("endpoint %v", ep)
			}
			if _, err := time.Parse(time.RFC3339, tok["expires_at"].(string)); err != nil {
				t.Fatalf("expires_at: %v", err)
			}
		})
	}
}

func TestAuthFailures(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name string
		body map[string]any
		want int
	}{
		{"wrong password", passwordAuth(map[string]any{"name": "labuser", "password": "nope", "domain": defaultDomain}, nil), 401},
		{"unknown user", passwordAuth(map[string]any{"name": "ghost", "password": "pw", "domain": defaultDomain}, nil), 401},
		{"name without domain", passwordAuth(map[string]any{"name": "labuser", "password": "pw"}, nil), 400},
		{"no role on project", passwordAuth(map[string]any{"id": f.user.ID, "password": "pw"},
			map[string]any{"project": map[string]any{"id": f.other.ID}}), 401},
		{"unknown project", passwordAuth(map[string]any{"id": f.user.ID, "password": "pw"},
			map[string]any{"project": map[string]any{"name": "nope", "domain": defaultDomain}}), 401},
		{"no identity", map[string]any{"auth": map[string]any{}}, 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, doc := f.post(t, "/v3/auth/tokens", c.body, "")
			if resp.StatusCode != c.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, c.want)
			}
			e := doc["error"].(map[string]any)
			if int(e["code"].(float64)) != c.want || e["title"] == "" || e["message"] == "" {
				t.Fatalf("error body %v", doc)
			}
		})
	}
}

func TestUnscopedTokenThenTokenMethodRescopes(t *testing.T) {
	f := newFixture(t)
	resp, doc := f.post(t, "/v3/auth/tokens", passwordAuth(map[string]any{"id": f.user.ID, "password": "pw"}, nil), "")
	if resp.StatusCode != 201 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if _, scoped := doc["token"].(map[string]any)["project"]; scoped {
		t.Fatal("unscoped token has a project")
	}
	unscoped := resp.Header.Get("X-Subject-Token")
	f.clk.Advance(10 * time.Minute)
	resp, doc = f.post(t, "/v3/auth/tokens", map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"token"}, "token": map[string]any{"id": unscoped}},
		"scope":    map[string]any{"project": map[string]any{"id": f.proj.ID}},
	}}, "")
	if resp.StatusCode != 201 {
		t.Fatalf("token method: %d %v", resp.StatusCode, doc)
	}
	tok := doc["token"].(map[string]any)
	if tok["expires_at"] != "2026-11-26T11:00:00.000000Z" {
		t.Fatalf("a rescoped token keeps the original expiry, got %v", tok["expires_at"])
	}
	if !slices.Equal(anyStrings(tok["methods"]), []string{"token"}) {
		t.Fatalf("methods %v", tok["methods"])
	}
}

func TestApplicationCredentialCreateAndAuthenticate(t *testing.T) {
	f := newFixture(t)
	tok, _ := f.ks.IssueToken(f.user.ID, f.proj.ID)
	resp, doc := f.post(t, "/v3/users/"+f.user.ID+"/application_credentials",
		map[string]any{"application_credential": map[string]any{"name": "ci"}}, tok)
	if resp.StatusCode != 201 {
		t.Fatalf("create: %d %v", resp.StatusCode, doc)
	}
	ac := doc["application_credential"].(map[string]any)
	if ac["project_id"] != f.proj.ID || ac["secret"] == "" {
		t.Fatalf("app cred %v", ac)
	}
	byID := map[string]any{"auth": map[string]any{"identity": map[string]any{
		"methods":                []string{"application_credential"},
		"application_credential": map[string]any{"id": ac["id"], "secret": ac["secret"]},
	}}}
	resp, doc = f.post(t, "/v3/auth/tokens", byID, "")
	if resp.StatusCode != 201 || doc["token"].(map[string]any)["project"].(map[string]any)["id"] != f.proj.ID {
		t.Fatalf("auth by id: %d %v", resp.StatusCode, doc)
	}
	byName := map[string]any{"auth": map[string]any{"identity": map[string]any{
		"methods": []string{"application_credential"},
		"application_credential": map[string]any{"name": "ci", "secret": ac["secret"],
			"user": map[string]any{"name": "labuser", "domain": defaultDomain}},
	}}}
	if resp, _ = f.post(t, "/v3/auth/tokens", byName, ""); resp.StatusCode != 201 {
		t.Fatalf("auth by name: %d", resp.StatusCode)
	}
	byID["auth"].(map[string]any)["identity"].(map[string]any)["application_credential"].(map[string]any)["secret"] = "wrong"
	if resp, _ = f.post(t, "/v3/auth/tokens", byID, ""); resp.StatusCode != 401 {
		t.Fatalf("wrong secret: %d", resp.StatusCode)
	}
	resp, _ = f.post(t, "/v3/users/"+f.user.ID+"/application_credentials",
		map[string]any{"application_credential": map[string]any{"name": "ci"}}, tok)
	if resp.StatusCode != 409 {
		t.Fatalf("duplicate name: %d", resp.StatusCode)
	}
}

func TestValidateTokenAndExpiry(t *testing.T) {
	f := newFixture(t)
	userTok, _ := f.ks.IssueToken(f.user.ID, f.proj.ID)
	get := func(caller, subject string) (*http.Response, map[string]any) {
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/identity/v3/auth/tokens", nil)
		req.Header.Set("X-Auth-Token", caller)
		req.Header.Set("X-Subject-Token", subject)
		return do(t, req)
	}
	if resp, doc := get(userTok, userTok); resp.StatusCode != 200 || resp.Header.Get("X-Subject-Token") != userTok ||
		doc["token"].(map[string]any)["user"].(map[string]any)["name"] != "labuser" {
		t.Fatalf("self validation: %d %v", resp.StatusCode, doc)
	}
	if resp, _ := get(userTok, "bogus"); resp.StatusCode != 404 {
		t.Fatalf("unknown subject: %d", resp.StatusCode)
	}
	if resp, _ := get("bogus", userTok); resp.StatusCode != 401 {
		t.Fatalf("unknown caller: %d", resp.StatusCode)
	}
	otherTok, _ := f.ks.IssueToken(f.admin.ID, f.proj.ID) // admin may validate anyone's
	if resp, _ := get(otherTok, userTok); resp.StatusCode != 200 {
		t.Fatalf("admin validation: %d", resp.StatusCode)
	}
	f.clk.Advance(time.Hour)
	if _, err := f.ks.Validate(context.Background(), userTok); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("expired token validated: %v", err)
	}
	if resp, _ := get(otherTok, otherTok); resp.StatusCode != 401 {
		t.Fatalf("expired caller: %d", resp.StatusCode)
	}
}

func TestVersionDocuments(t *testing.T) {
	f := newFixture(t)
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/identity/v3/", nil)
	resp, doc := do(t, req)
	v := doc["version"].(map[string]any)
	if resp.StatusCode != 200 || v["id"] != "v3.14" || v["links"].([]any)[0].(map[string]any)["href"] != f.srv.URL+"/identity/v3/" {
		t.Fatalf("GET /v3: %d %v", resp.StatusCode, doc)
	}
	req, _ = http.NewRequest(http.MethodGet, f.srv.URL+"/identity/", nil)
	if resp, doc = do(t, req); resp.StatusCode != 300 || len(doc["versions"].(map[string]any)["values"].([]any)) != 1 {
		t.Fatalf("GET /: %d %v", resp.StatusCode, doc)
	}
}

func TestRemoteValidatesLikeKeystonemiddleware(t *testing.T) {
	f := newFixture(t)
	r := NewRemote(RemoteOptions{URL: f.srv.URL + "/identity", User: "svc", Password: "svcpw", Project: "monhook-lab", Clock: f.clk})
	userTok, _ := f.ks.IssueToken(f.user.ID, f.proj.ID)
	id, err := r.Validate(context.Background(), userTok)
	if err != nil {
		t.Fatal(err)
	}
	if id.ProjectID != f.proj.ID || !id.HasRole("monasca-user") || id.UserName != "labuser" {
		t.Fatalf("identity %+v", id)
	}
	if _, err := r.Validate(context.Background(), "bogus"); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("bogus token: %v", err)
	}
	svc, err := r.ServiceIdentity(context.Background())
	if err != nil || svc.ProjectID != f.proj.ID {
		t.Fatalf("service identity %+v %v", svc, err)
	}

	selfValidating := NewRemote(RemoteOptions{URL: f.srv.URL + "/identity/v3", Clock: f.clk})
	if id, err := selfValidating.Validate(context.Background(), userTok); err != nil || id.ProjectID != f.proj.ID {
		t.Fatalf("self-validation: %+v %v", id, err)
	}

	bad := NewRemote(RemoteOptions{URL: f.srv.URL + "/identity", User: "svc", Password: "wrong", Clock: f.clk})
	if _, err := bad.Validate(context.Background(), userTok); err == nil || errors.Is(err, ErrInvalidToken) {
		t.Fatalf("bad service credentials must be a service error, not an invalid token: %v", err)
	}
}

func anyStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
