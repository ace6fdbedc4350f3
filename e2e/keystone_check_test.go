//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/internal/lab"
)

// startExternalLab runs the lab in external-Keystone mode against ks and
// registers it in ks's catalog.
func startExternalLab(t *testing.T, ks *keystoneEnv, speed float64) {
	t.Helper()
	l := lab.New(lab.Options{
		KeystoneURL: ks.AuthURL, ServiceUser: ks.Service.Name, ServicePassword: ks.Service.Password,
		ServiceProject: ks.Service.Project, Hosts: -1, Speed: speed,
	})
	if err := l.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	ks.RegisterEndpoint(t, l.MonitoringURL())
}

func checkPasses(t *testing.T, env []string, speed string, args ...string) *report.Report {
	t.Helper()
	args = append([]string{"check", "--scenario", "synthetic", "--speed", speed, "-o", "json", "--timeout", "3m"}, args...)
	r := runMonhook(t, env, args...)
	rep := parseReport(t, r)
	if r.Code != 0 || rep.Verdict != report.VerdictPass {
		t.Fatalf("exit %d verdict %s: %s\nstderr:\n%s", r.Code, rep.Verdict, rep.Error, r.Stderr)
	}
	return rep
}

// TestCheckAuthenticatesThroughRealKeystoneEveryWayOperatorsDo covers the
// credential forms of issue 7: a plain openrc (user and project domain
// names only, no OS_DOMAIN_NAME), clouds.yaml with secure.yaml, and an
// application credential; plus the role error a user without monasca-user
// gets.
func TestCheckAuthenticatesThroughRealKeystoneEveryWayOperatorsDo(t *testing.T) {
	ks := startKeystone(t, "")
	startExternalLab(t, &ks, 60)
	u := ks.User

	t.Run("openrc with user and project domain names", func(t *testing.T) {
		env := append(baseEnv(),
			"OS_AUTH_URL="+ks.AuthURL, "OS_USERNAME="+u.Name, "OS_PASSWORD="+u.Password,
			"OS_PROJECT_NAME="+u.Project, "OS_USER_DOMAIN_NAME="+ks.Domain, "OS_PROJECT_DOMAIN_NAME="+ks.Domain,
			"OS_REGION_NAME="+ks.Region, "OS_INTERFACE=public", "OS_IDENTITY_API_VERSION=3")
		checkPasses(t, env, "60")
	})

	t.Run("clouds.yaml with the password in secure.yaml", func(t *testing.T) {
		dir := t.TempDir()
		clouds := fmt.Sprintf("clouds:\n  smoke:\n    auth:\n      auth_url: %s\n      username: %s\n      project_name: %s\n"+
			"      user_domain_name: %s\n      project_domain_name: %s\n    region_name: %s\n    interface: public\n",
			ks.AuthURL, u.Name, u.Project, ks.Domain, ks.Domain, ks.Region)
		secure := fmt.Sprintf("clouds:\n  smoke:\n    auth:\n      password: %q\n", u.Password)
		must(t, os.WriteFile(filepath.Join(dir, "clouds.yaml"), []byte(clouds), 0o600))
		must(t, os.WriteFile(filepath.Join(dir, "secure.yaml"), []byte(secure), 0o600))
		env := append(baseEnv(), "OS_CLIENT_CONFIG_FILE="+filepath.Join(dir, "clouds.yaml"))
		checkPasses(t, env, "60", "--os-cloud", "smoke")
	})

	t.Run("application credential", func(t *testing.T) {
		env := append(baseEnv(),
			"OS_AUTH_URL="+ks.AuthURL, "OS_APPLICATION_CREDENTIAL_ID="+ks.AppCredID,
			"OS_APPLICATION_CREDENTIAL_SECRET="+ks.AppCredSecret, "OS_REGION_NAME="+ks.Region)
		r := runMonhook(t, env, "check", "--scenario", "synthetic", "--speed", "60", "-o", "json", "--debug")
		if r.Code != 0 {
			t.Fatalf("exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		if strings.Contains(r.Stdout+r.Stderr, ks.AppCredSecret) {
			t.Error("the application credential secret appears in the output")
		}
	})

	t.Run("a user without monasca-user is told so", func(t *testing.T) {
		env := append(baseEnv(), ks.OSEnv(ks.NoRoles)...)
		r := runMonhook(t, env, "check", "--scenario", "synthetic", "--speed", "60")
		if r.Code != 3 || !strings.Contains(r.Stdout, "monasca-user") || !strings.Contains(r.Stdout, "Forbidden") {
			t.Errorf("exit %d; want 3 with the role hint\n%s", r.Code, r.Stdout)
		}
	})
}

// TestCheckSurvivesTokenExpiryMidRun gives tokens a 15 s life and runs a
// check that lasts longer (periodic at speed 3: the re-send comes 20 s after
// the first delivery, teardown after that). The lab validates every request
// against Keystone, so teardown succeeding proves monhook re-authenticated.
func TestCheckSurvivesTokenExpiryMidRun(t *testing.T) {
	const lifetime = 15
	ks := startKeystoneWith(t, keystoneOptions{TokenExpiration: lifetime})
	startExternalLab(t, &ks, 3)
	env := append(baseEnv(), ks.OSEnv(ks.User)...)
	r := runMonhook(t, env, "check", "--scenario", "periodic", "--speed", "3", "-o", "json", "--timeout", "5m")
	rep := parseReport(t, r)
	if r.Code != 0 {
		t.Fatalf("exit %d: %s\n%s", r.Code, rep.Error, r.Stderr)
	}
	if rep.DurationMS < lifetime*1000 {
		t.Fatalf("the check took %.0f ms, shorter than the %d s token life: it proves nothing", rep.DurationMS, lifetime)
	}
}
