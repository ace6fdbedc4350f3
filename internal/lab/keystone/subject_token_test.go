package keystone

import (
	"net/http"
	"testing"
)

// Validating another user's token takes admin or service; revoking it takes
// admin: the service role may look but not revoke. Anyone may revoke their
// own token, which then no longer validates.
func TestWhoMayValidateAndRevokeAnotherUsersToken(t *testing.T) {
	f := newFixture(t)
	userTok, _ := f.ks.IssueToken(f.user.ID, f.proj.ID)
	adminTok, _ := f.ks.IssueToken(f.admin.ID, f.proj.ID)
	svcTok, _ := f.ks.IssueToken(f.service.ID, f.proj.ID)
	call := func(method, caller, subject string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, f.srv.URL+"/identity/v3/auth/tokens", nil)
		req.Header.Set("X-Auth-Token", caller)
		req.Header.Set("X-Subject-Token", subject)
		resp, doc := do(t, req)
		e, _ := doc["error"].(map[string]any)
		msg, _ := e["message"].(string)
		return resp.StatusCode, msg
	}
	for _, c := range []struct {
		name, method, caller, subject string
		code                          int
		msg                           string
	}{
		{"user validates the admin's", http.MethodGet, userTok, adminTok, 403, "You are not authorized to perform the requested action: identity:validate_token."},
		{"service validates the user's", http.MethodGet, svcTok, userTok, 200, ""},
		{"service revokes the user's", http.MethodDelete, svcTok, userTok, 403, "You are not authorized to perform the requested action: identity:revoke_token."},
		{"user revokes the admin's", http.MethodDelete, userTok, adminTok, 403, "You are not authorized to perform the requested action: identity:revoke_token."},
		{"unknown caller revokes", http.MethodDelete, "bogus", userTok, 401, "The request you have made requires authentication."},
		{"user revokes an unknown token", http.MethodDelete, userTok, "bogus", 404, "Could not find token."},
		{"user revokes their own", http.MethodDelete, userTok, userTok, 204, ""},
		{"admin validates the revoked one", http.MethodGet, adminTok, userTok, 404, "Could not find token."},
	} {
		if code, msg := call(c.method, c.caller, c.subject); code != c.code || msg != c.msg {
			t.Errorf("%s: %d %q, want %d %q", c.name, code, msg, c.code, c.msg)
		}
	}
}
