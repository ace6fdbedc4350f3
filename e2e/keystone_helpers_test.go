//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
)

// The real-Keystone tier runs e2e/keystone/keystone.sh, which brings up
// Debian's python3-keystone on loopback with a fresh sqlite database per
// state dir. Without the packages the tests skip, unless
// MONHOOK_E2E_KEYSTONE=1 says they must run (CI): then the script installs
// the packages (root and apt needed) and any failure fails the test.

const keystoneScript = "keystone/keystone.sh"

// keystoneStartTimeout bounds one start, apt install included (a fresh
// install measured up to about 3 minutes on a busy 2-core machine).
const keystoneStartTimeout = 15 * time.Minute

// keystoneUser is one provisioned account and the project it is scoped to.
type keystoneUser struct {
	Name, Password, Project string
}

// keystoneEnv describes one running real Keystone and its accounts.
type keystoneEnv struct {
	AuthURL    string // http://127.0.0.1:PORT/v3
	Region     string // RegionOne
	Domain     string // Default (user and project domain of every account)
	MonascaURL string // the public monitoring endpoint in the catalog; "" until registered

	User     keystoneUser // monasca-smoke-user: monasca-user on monasca-smoke
	Agent    keystoneUser // monasca-smoke-agent: monasca-agent on monasca-smoke
	ReadOnly keystoneUser // monasca-smoke-readonly: monasca-read-only-user on monasca-smoke
	NoRoles  keystoneUser // monasca-smoke-noroles: only "member" on monasca-smoke
	Service  keystoneUser // monasca-lab-service: admin on project "service"; validates tokens
	Admin    keystoneUser // admin: admin on project "admin"

	// An application credential of User (inherits monasca-user).
	AppCredID, AppCredSecret string

	StateDir string            // keystone.log and server.log live here
	Vars     map[string]string // every variable of $StateDir/env
}

// keystoneRequired reports whether MONHOOK_E2E_KEYSTONE=1 demands the tier.
func keystoneRequired() bool { return os.Getenv("MONHOOK_E2E_KEYSTONE") == "1" }

// keystoneInstalled reports whether the Debian packages the script needs are
// present, without running dpkg: their entry points are enough.
func keystoneInstalled() bool {
	for _, f := range []string{"/usr/bin/keystone-manage", "/usr/bin/keystone-wsgi-public", "/usr/bin/monasca"} {
		if _, err := os.Stat(f); err != nil {
			return false
		}
	}
	return true
}

// requireKeystone skips the test unless the real-Keystone tier can run.
func requireKeystone(t testing.TB) {
	t.Helper()
	if keystoneRequired() || keystoneInstalled() {
		return
	}
	t.Skip("real Keystone tier skipped: python3-keystone/python3-monascaclient are not installed " +
		"(set MONHOOK_E2E_KEYSTONE=1 to install them with apt and make this a failure instead)")
}

// startKeystone starts a real Keystone in a per-test state dir and stops it
// when the test ends. With monascaURL == "" the monitoring endpoint is left
// out and can be added later with RegisterEndpoint, which solves the
// chicken-and-egg of a lab that must know Keystone's URL before Keystone's
// catalog can name the lab.
func startKeystone(t testing.TB, monascaURL string) keystoneEnv {
	t.Helper()
	return startKeystoneWith(t, keystoneOptions{MonascaURL: monascaURL})
}

// keystoneOptions are the knobs of startKeystoneWith.
type keystoneOptions struct {
	MonascaURL      string // "" = register later with RegisterEndpoint
	TokenExpiration int    // seconds; 0 = Keystone's 3600
}

// startKeystoneWith is startKeystone with more options.
func startKeystoneWith(t testing.TB, o keystoneOptions) keystoneEnv {
	t.Helper()
	requireKeystone(t)
	monascaURL := o.MonascaURL
	script, err := filepath.Abs(keystoneScript)
	if err != nil {
		t.Fatal(err)
	}
	// TempDir's removal is registered before stop, so it runs after it.
	state := t.TempDir()
	env := []string{"KS_STATE_DIR=" + state, "KS_PORT=0"}
	if o.TokenExpiration > 0 {
		env = append(env, "KS_TOKEN_EXPIRATION="+strconv.Itoa(o.TokenExpiration))
	}
	if monascaURL == "" {
		env = append(env, "KS_DEFER_ENDPOINT=1", "MONASCA_URL=")
	} else {
		env = append(env, "MONASCA_URL="+monascaURL)
	}
	t.Cleanup(func() {
		if t.Failed() {
			dumpKeystoneLogs(t, state)
		}
		if _, err := runKeystoneScript(context.Background(), script, env, "stop"); err != nil {
			t.Errorf("keystone.sh stop: %v", err)
		}
	})
	start := time.Now()
	stdout, err := runKeystoneScript(t.Context(), script, env, "start")
	if err != nil {
		t.Fatalf("keystone.sh start: %v", err)
	}
	ks, err := readKeystoneEnv(filepath.Join(state, "env"))
	if err != nil {
		t.Fatalf("keystone.sh start: %v", err)
	}
	// stdout is data: exactly the OS_* exports, the same as in the env file.
	if got, want := string(stdout), osExports(ks.Vars); got != want {
		t.Fatalf("keystone.sh start stdout is not the OS_* exports of its env file:\n%s\nwant the lines:\n%s",
			redactPasswords(got), redactPasswords(want))
	}
	ks.StateDir = state
	t.Logf("real Keystone at %s ready in %s", ks.AuthURL, time.Since(start).Round(100*time.Millisecond))
	return ks
}

// RegisterEndpoint points the catalog's public monitoring endpoint at url
// (creating or updating it) and waits until a fresh token shows it.
func (k *keystoneEnv) RegisterEndpoint(t testing.TB, url string) {
	t.Helper()
	script, err := filepath.Abs(keystoneScript)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runKeystoneScript(t.Context(), script, []string{"KS_STATE_DIR=" + k.StateDir}, "register-endpoint", url); err != nil {
		t.Fatalf("keystone.sh register-endpoint: %v", err)
	}
	k.MonascaURL = url
	k.Vars["KS_MONASCA_URL"] = url
}

// OSEnv returns the OS_* variables that authenticate as u, as python
// clients (OS_USER_DOMAIN_NAME, OS_PROJECT_DOMAIN_NAME) and gophercloud
// (OS_DOMAIN_NAME) read them.
func (k keystoneEnv) OSEnv(u keystoneUser) []string {
	return []string{
		"OS_AUTH_URL=" + k.AuthURL,
		"OS_USERNAME=" + u.Name,
		"OS_PASSWORD=" + u.Password,
		"OS_PROJECT_NAME=" + u.Project,
		"OS_USER_DOMAIN_NAME=" + k.Domain,
		"OS_PROJECT_DOMAIN_NAME=" + k.Domain,
		"OS_DOMAIN_NAME=" + k.Domain,
		"OS_REGION_NAME=" + k.Region,
		"OS_IDENTITY_API_VERSION=3",
	}
}

// AuthOptions returns project-scoped password credentials for u.
func (k keystoneEnv) AuthOptions(u keystoneUser) gophercloud.AuthOptions {
	return gophercloud.AuthOptions{
		IdentityEndpoint: k.AuthURL,
		Username:         u.Name,
		Password:         u.Password,
		DomainName:       k.Domain,
		TenantName:       u.Project,
	}
}

func runKeystoneScript(ctx context.Context, script string, env []string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, keystoneStartTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{script}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	// An interrupt lets the script's trap stop a half-started server.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 15 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		// The script's stderr holds status lines only, never secrets.
		return nil, &scriptError{err: err, stderr: lastLines(stderr.String(), 25)}
	}
	return stdout.Bytes(), nil
}

type scriptError struct {
	err    error
	stderr string
}

func (e *scriptError) Error() string { return e.err.Error() + "\n" + e.stderr }
func (e *scriptError) Unwrap() error { return e.err }

// readKeystoneEnv parses the `export K=V` lines keystone.sh writes; the
// script restricts values to an alphabet that needs no shell quoting.
func readKeystoneEnv(path string) (keystoneEnv, error) {
	f, err := os.Open(path)
	if err != nil {
		return keystoneEnv{}, err
	}
	defer f.Close()
	vars := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		if ok {
			vars[k] = v
		}
	}
	if err := sc.Err(); err != nil {
		return keystoneEnv{}, err
	}
	user := func(name, password, project string) keystoneUser {
		return keystoneUser{Name: vars[name], Password: vars[password], Project: vars[project]}
	}
	vars["KS_USER_PROJECT"] = vars["OS_PROJECT_NAME"]
	ks := keystoneEnv{
		AuthURL:       vars["OS_AUTH_URL"],
		Region:        vars["OS_REGION_NAME"],
		Domain:        vars["OS_DOMAIN_NAME"],
		MonascaURL:    vars["KS_MONASCA_URL"],
		User:          user("OS_USERNAME", "OS_PASSWORD", "KS_USER_PROJECT"),
		Agent:         user("KS_AGENT_USERNAME", "KS_AGENT_PASSWORD", "KS_USER_PROJECT"),
		ReadOnly:      user("KS_READONLY_USERNAME", "KS_READONLY_PASSWORD", "KS_USER_PROJECT"),
		NoRoles:       user("KS_NOROLES_USERNAME", "KS_NOROLES_PASSWORD", "KS_USER_PROJECT"),
		Service:       user("KS_SERVICE_USERNAME", "KS_SERVICE_PASSWORD", "KS_SERVICE_PROJECT_NAME"),
		Admin:         user("KS_ADMIN_USERNAME", "KS_ADMIN_PASSWORD", "KS_ADMIN_PROJECT_NAME"),
		AppCredID:     vars["KS_APPCRED_ID"],
		AppCredSecret: vars["KS_APPCRED_SECRET"],
		Vars:          vars,
	}
	for _, must := range []string{ks.AuthURL, ks.Region, ks.Domain, ks.User.Password, ks.Service.Password, ks.AppCredID} {
		if must == "" {
			return keystoneEnv{}, &scriptError{err: os.ErrInvalid, stderr: path + " lacks a required variable"}
		}
	}
	return ks, nil
}

// osExportNames are the variables keystone.sh prints on stdout, in order.
var osExportNames = []string{
	"OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_PROJECT_NAME", "OS_USER_DOMAIN_NAME",
	"OS_PROJECT_DOMAIN_NAME", "OS_DOMAIN_NAME", "OS_REGION_NAME", "OS_IDENTITY_API_VERSION",
}

func osExports(vars map[string]string) string {
	var b strings.Builder
	for _, k := range osExportNames {
		b.WriteString("export " + k + "=" + vars[k] + "\n")
	}
	return b.String()
}

// redactPasswords hides the value of every *PASSWORD*/*SECRET* export so a
// failure message never carries one.
func redactPasswords(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if k, _, ok := strings.Cut(l, "="); ok && (strings.Contains(k, "PASSWORD") || strings.Contains(k, "SECRET")) {
			lines[i] = k + "=<redacted>"
		}
	}
	return strings.Join(lines, "\n")
}

func dumpKeystoneLogs(t testing.TB, state string) {
	t.Helper()
	for _, name := range []string{"server.log", "keystone.log"} {
		b, err := os.ReadFile(filepath.Join(state, name))
		if err != nil {
			continue
		}
		t.Logf("--- %s (last lines) ---\n%s", name, lastLines(string(b), 40))
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
