package serve

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// --web.config.file puts /probe and /metrics behind basic auth (and TLS)
// the way every Prometheus exporter does; a bad file is a bad setting.
func TestWebConfigFileRequiresBasicAuth(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "web.yml")
	if err := os.WriteFile(file, []byte("basic_auth_users:\n  prometheus: "+string(hash)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l := startLab(t)
	s := startServer(t, l, Config{WebConfigFile: file})
	for _, c := range []struct {
		user, pass string
		want       int
	}{{"", "", 401}, {"prometheus", "wrong", 401}, {"prometheus", "s3cret", 200}} {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/probe?scenario=synthetic", nil)
		if c.user != "" {
			req.SetBasicAuth(c.user, c.pass)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("/probe as %q/%q: %d, want %d", c.user, c.pass, resp.StatusCode, c.want)
		}
	}
	l.assertClean(t)

	bad := filepath.Join(t.TempDir(), "bad.yml")
	if err := os.WriteFile(bad, []byte("basic_auth_users: [nope\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{bad, "/nonexistent/web.yml"} {
		err := Config{WebConfigFile: f}.withDefaults().Validate()
		assertKey(t, err, "serve.web-config-file")
		if err == nil || !strings.Contains(err.Error(), "flag --web.config.file") {
			t.Errorf("%s: %v, want it to name the flag", f, err)
		}
	}
}
