package openstack_test

import (
	"os"
	"path/filepath"
	"testing"
)

// osVars is every variable Resolve or gophercloud's clouds parser reads.
var osVars = []string{
	"OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_AUTH_URL", "OS_USERNAME", "OS_USER_ID", "OS_USERID", "OS_PASSWORD",
	"OS_USER_DOMAIN_NAME", "OS_USER_DOMAIN_ID", "OS_PROJECT_NAME", "OS_TENANT_NAME", "OS_PROJECT_ID", "OS_TENANT_ID",
	"OS_PROJECT_DOMAIN_NAME", "OS_PROJECT_DOMAIN_ID", "OS_DOMAIN_NAME", "OS_DOMAIN_ID",
	"OS_APPLICATION_CREDENTIAL_ID", "OS_APPLICATION_CREDENTIAL_NAME", "OS_APPLICATION_CREDENTIAL_SECRET",
	"OS_TOKEN", "OS_AUTH_TOKEN", "OS_SYSTEM_SCOPE", "OS_REGION_NAME", "OS_INTERFACE", "OS_ENDPOINT_TYPE",
	"OS_CACERT", "OS_CERT", "OS_KEY", "OS_INSECURE", "MONASCA_API_URL",
}

// cleanEnv blanks every OpenStack variable of the developer's shell and
// points the clouds.yaml search away from their home, then applies env.
// Tests using it cannot run in parallel (t.Setenv).
func cleanEnv(t *testing.T, env map[string]string) {
	t.Helper()
	for _, k := range osVars {
		t.Setenv(k, "")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Chdir(home) // clouds.Parse also looks in ./clouds.yaml
	for k, v := range env {
		t.Setenv(k, v)
	}
}

// writeClouds writes clouds.yaml (and secure.yaml when given) into a temp
// dir and returns the clouds.yaml path for OS_CLIENT_CONFIG_FILE.
func writeClouds(t *testing.T, clouds, secure string) string {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "clouds.yaml")
	if err := os.WriteFile(p, []byte(clouds), 0o600); err != nil {
		t.Fatal(err)
	}
	if secure != "" {
		if err := os.WriteFile(filepath.Join(dir, "secure.yaml"), []byte(secure), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return p
}
