package cli

import (
	"context"
	"errors"
	"github.com/monhook/monhook/exitcode"
	"strings"
	"testing"

	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/labtest"
	"github.com/monhook/monhook/openstack"
)

func TestOpenStackCLIFlagsReachTheResolver(t *testing.T) {
	streams, _, _ := TestStreams()
	var got openstack.AuthFlags
	f := NewFactory(streams, "test")
	f.Connect = func(_ context.Context, fl openstack.AuthFlags) (*openstack.Session, error) {
		got = fl
		return nil, errors.New("stop here")
	}
	root := NewCmdRoot(f)
	root.SetArgs(strings.Fields("cleanup --dry-run --os-username u --os-password p --os-project-name pr --os-user-domain-name ud " +
		"--os-project-domain-name pd --os-auth-url http://k/v3 --os-region-name R --os-interface internal --os-cacert ca.pem"))
	_, _ = root.ExecuteC()
	want := openstack.AuthFlags{Username: "u", Password: "p", ProjectName: "pr", UserDomainName: "ud", ProjectDomainName: "pd",
		AuthURL: "http://k/v3", RegionName: "R", Interface: "internal", CACert: "ca.pem"}
	if got.Username != want.Username || got.Password != want.Password || got.ProjectName != want.ProjectName ||
		got.UserDomainName != want.UserDomainName || got.ProjectDomainName != want.ProjectDomainName ||
		got.AuthURL != want.AuthURL || got.RegionName != want.RegionName || got.Interface != want.Interface || got.CACert != want.CACert {
		t.Errorf("flags reached the resolver as %+v", got)
	}
	if got.PromptPassword != nil {
		t.Error("stdin is not a terminal, yet a password prompt was offered")
	}
}

// labEnvWithoutPassword points the OS_* environment at the lab's user and
// leaves the password out.
func labEnvWithoutPassword(t *testing.T, l *lab.Lab) lab.User {
	t.Helper()
	for _, k := range []string{"OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_PASSWORD", "OS_USER_ID", "OS_PROJECT_ID", "OS_TOKEN",
		"OS_AUTH_TOKEN", "OS_APPLICATION_CREDENTIAL_ID", "OS_APPLICATION_CREDENTIAL_NAME", "OS_APPLICATION_CREDENTIAL_SECRET",
		"OS_INTERFACE", "OS_CACERT", "OS_INSECURE", "MONASCA_API_URL", "OS_DOMAIN_NAME", "OS_DOMAIN_ID"} {
		t.Setenv(k, "")
	}
	u := l.Credentials()
	t.Setenv("OS_AUTH_URL", l.AuthURL())
	t.Setenv("OS_USERNAME", u.Name)
	t.Setenv("OS_USER_DOMAIN_NAME", u.UserDomain)
	t.Setenv("OS_PROJECT_NAME", u.Project)
	t.Setenv("OS_PROJECT_DOMAIN_NAME", u.ProjectDomain)
	t.Setenv("OS_REGION_NAME", l.Region())
	return u
}

func TestPasswordIsAskedOnATerminalAndNeverShown(t *testing.T) {
	l := labtest.Start(t, lab.Options{Hosts: -1})
	u := labEnvWithoutPassword(t, l)

	streams, _, errOut := TestStreams()
	asked := 0
	streams.SetPasswordReader(func() (string, error) { asked++; return u.Password, nil })
	code := Run(context.Background(), streams, []string{"cleanup", "--dry-run", "--debug"})
	if code != 0 || asked != 1 {
		t.Fatalf("exit %d, asked %d times; stderr %s", code, asked, errOut)
	}
	if !strings.Contains(errOut.String(), "Password for "+u.Name+" at "+l.AuthURL()+": ") {
		t.Errorf("stderr %q: want the prompt naming the user and Keystone", errOut)
	}
	if strings.Contains(errOut.String(), u.Password) {
		t.Error("the password appears on stderr (with --debug)")
	}

	// Not a terminal: no prompt, a configuration error naming what to set.
	streams, _, errOut = TestStreams()
	code = Run(context.Background(), streams, []string{"cleanup", "--dry-run"})
	if code != exitcode.Of(exitcode.Usage) || !strings.Contains(errOut.String(), "OS_PASSWORD") {
		t.Errorf("without a terminal: exit %d, stderr %q; want 2 naming OS_PASSWORD", code, errOut)
	}
}

// TestCheckAsksThePasswordOnce: check settles the credentials before it
// runs and connects later; the user types the password once.
func TestCheckAsksThePasswordOnce(t *testing.T) {
	l := labtest.Start(t, lab.Options{Hosts: -1})
	u := labEnvWithoutPassword(t, l)
	streams, out, errOut := TestStreams()
	asked := 0
	streams.SetPasswordReader(func() (string, error) { asked++; return u.Password, nil })
	code := Run(context.Background(), streams, []string{"check", "-s", "synthetic", "--speed", "60", "-o", "json"})
	if code != 0 || asked != 1 {
		t.Fatalf("exit %d, asked %d times (want once)\n%s\n%s", code, asked, out, errOut)
	}
}
