//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/internal/lab"
)

// TestLabWithRealKeystone runs the lab in external-Keystone mode against
// Debian's real Keystone: tokens come from the real thing, the lab
// validates them as keystonemiddleware would, and Monasca's role rules
// (reference/monasca-api.md §1) decide what each account may do.
//
// Start order solves the chicken-and-egg: Keystone starts without a
// monitoring endpoint, the lab starts knowing Keystone's URL, then
// register-endpoint puts the lab's URL into the catalog.
func TestLabWithRealKeystone(t *testing.T) {
	ks := startKeystone(t, "")
	l := lab.New(lab.Options{
		KeystoneURL:     ks.AuthURL,
		ServiceUser:     ks.Service.Name,
		ServicePassword: ks.Service.Password,
		ServiceProject:  ks.Service.Project,
		Hosts:           -1,
		Speed:           60, // as the CLI tier's e2eSpeed; the check is told the same
	})
	if err := l.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	ks.RegisterEndpoint(t, l.MonitoringURL())
	mon := l.MonitoringURL()

	tokens := map[string]string{}
	for name, u := range map[string]keystoneUser{
		"user": ks.User, "readonly": ks.ReadOnly, "agent": ks.Agent, "noroles": ks.NoRoles,
	} {
		pc := authenticate(t, ks.AuthOptions(u))
		if got := monitoringURL(t, pc, ks.Region); got != mon {
			t.Fatalf("%s: catalog monitoring endpoint %q, want the lab's %q", u.Name, got, mon)
		}
		tokens[name] = pc.Token()
	}

	t.Run("Monasca roles decide access", func(t *testing.T) {
		metric := fmt.Sprintf(`[{"name":"monhook.e2e.ks","dimensions":{"host":"h1"},"timestamp":%d,"value":1}]`,
			time.Now().UnixMilli())
		nm := `{"name":"monhook-e2e-ks-ro","type":"WEBHOOK","address":"http://127.0.0.1:9/x"}`
		for _, tc := range []struct {
			who, method, path, body string
			want                    int
			forbidden               bool // 401 titled Forbidden (authenticated, wrong role)
		}{
			{"user", http.MethodGet, "/notification-methods", "", http.StatusOK, false},
			{"readonly", http.MethodGet, "/notification-methods", "", http.StatusOK, false},
			{"readonly", http.MethodPost, "/notification-methods", nm, http.StatusUnauthorized, true},
			{"agent", http.MethodPost, "/metrics", metric, http.StatusNoContent, false},
			{"agent", http.MethodGet, "/notification-methods", "", http.StatusUnauthorized, true},
			{"noroles", http.MethodGet, "/notification-methods", "", http.StatusUnauthorized, true},
		} {
			status, body := apiDo(t, tc.method, mon, tokens[tc.who], tc.path, tc.body)
			if status != tc.want {
				t.Errorf("%s %s %s: %d %s, want %d", tc.who, tc.method, tc.path, status, body, tc.want)
				continue
			}
			if tc.forbidden {
				var e struct{ Title string }
				if err := json.Unmarshal(body, &e); err != nil || e.Title != "Forbidden" {
					t.Errorf("%s %s %s: body %s, want title Forbidden", tc.who, tc.method, tc.path, body)
				}
			}
		}
	})

	t.Run("an unknown token is rejected", func(t *testing.T) {
		if status, body := apiGet(t, mon, "gAAAAAB-not-a-token", "/notification-methods"); status != http.StatusUnauthorized {
			t.Errorf("GET with a bogus token: %d %s, want 401", status, body)
		}
	})

	t.Run("real monasca CLI through real Keystone", func(t *testing.T) {
		requireMonascaCLI(t)
		nm := cliJSON[map[string]any](t, mustMonasca(t, ks.OSEnv(ks.User),
			"notification-create", "monhook-e2e-ks-"+randomSuffix(t), "WEBHOOK", "http://127.0.0.1:9/x", "-j"))
		id, _ := nm["id"].(string)
		if status, body := apiGet(t, mon, tokens["user"], "/notification-methods/"+id); status != http.StatusOK {
			t.Errorf("GET the CLI's notification method %q: %d %s", id, status, body)
		}
		mustMonasca(t, ks.OSEnv(ks.User), "notification-delete", id)

		if res := runMonasca(t, ks.OSEnv(ks.NoRoles), "notification-list"); res.ExitCode == 0 {
			t.Errorf("notification-list as %s exited 0, want a failure:\n%s", ks.NoRoles.Name, res.Stdout)
		}
	})

	t.Run("monhook check passes through real Keystone", func(t *testing.T) {
		env := append(baseEnv(), ks.OSEnv(ks.User)...)
		r := runMonhook(t, env, "check", "--scenario", "synthetic", "--speed", "60", "-o", "json", "--timeout", "2m")
		rep := parseReport(t, r)
		if r.Code != 0 || rep.Verdict != report.VerdictPass {
			t.Fatalf("exit %d verdict %s: %s\nstderr:\n%s", r.Code, rep.Verdict, rep.Error, r.Stderr)
		}
	})

	t.Run("monhook check without a Monasca role exits 3", func(t *testing.T) {
		env := append(baseEnv(), ks.OSEnv(ks.NoRoles)...)
		r := runMonhook(t, env, "check", "--scenario", "synthetic", "--speed", "60", "-o", "json", "--timeout", "2m")
		if r.Code != 3 {
			t.Errorf("exit %d, want 3 (could not run: preflight)\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
		}
	})
}
