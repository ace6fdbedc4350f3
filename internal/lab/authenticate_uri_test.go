package lab_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/lab/keystone"
)

// wwwAuthenticate is the WWW-Authenticate header of an unauthenticated GET.
func wwwAuthenticate(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("GET %s without a token: %d, want 401", url, resp.StatusCode)
	}
	return resp.Header.Get("WWW-Authenticate")
}

// keystonemiddleware's 401 names the Keystone to authenticate against
// (www_authenticate_uri), so a client can find it from the answer alone.
func TestUnauthenticatedAnswerNamesTheLabsKeystone(t *testing.T) {
	l := startLab(t, lab.Options{})
	want := `Keystone uri="` + l.URL() + `/identity"`
	if got := wwwAuthenticate(t, l.MonitoringURL()+"/alarms"); got != want {
		t.Fatalf("WWW-Authenticate = %q, want %q", got, want)
	}
}

func TestUnauthenticatedAnswerNamesTheExternalKeystone(t *testing.T) {
	ks := keystone.New(keystone.Options{})
	proj := ks.AddProject("service")
	svc := ks.AddUser("monasca", "svcpw")
	ks.Grant(svc.ID, proj.ID, "admin", "service")
	ksrv := httptest.NewServer(ks.Handler())
	defer ksrv.Close()

	l := startLab(t, lab.Options{KeystoneURL: ksrv.URL, ServiceUser: "monasca", ServicePassword: "svcpw", ServiceProject: "service"})
	want := `Keystone uri="` + ksrv.URL + `"`
	if got := wwwAuthenticate(t, l.MonitoringURL()+"/alarms"); got != want {
		t.Fatalf("WWW-Authenticate = %q, want %q", got, want)
	}
}
