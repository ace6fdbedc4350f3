package check_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/webhook"
)

// Another definition's delivery posted to this run's callback URL (a
// sibling check's, an earlier run's retry) is a stray whose path is the
// secret token: neither the report the runner returns nor any of its
// renderings may carry it.
func TestAStrayOnTheCallbackPathDoesNotLeakTheToken(t *testing.T) {
	l := startLab(t)
	r := newRunner(t, l, "synthetic")
	var token string
	proxied(t, r, l, func(proxy http.Handler) http.HandlerFunc {
		return func(w http.ResponseWriter, req *http.Request) {
			body, _ := io.ReadAll(req.Body)
			req.Body = io.NopCloser(bytes.NewReader(body))
			if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/notification-methods") && bytes.Contains(body, []byte(`"monhook-`)) {
				var m struct{ Address string }
				if err := json.Unmarshal(body, &m); err == nil {
					if u, err := url.Parse(m.Address); err == nil {
						token = u.Path[strings.LastIndex(u.Path, "/")+1:]
						stray := webhook.Body{AlarmID: "a-other", AlarmDefinitionID: "d-other", State: "ALARM", OldState: "OK",
							AlarmTimestamp: time.Now().Unix(), Message: "not this run's", TenantID: "t"}
						if resp, err := http.Post(m.Address, "application/json", bytes.NewReader(stray.Encode())); err == nil {
							resp.Body.Close()
						}
					}
				}
			}
			proxy.ServeHTTP(w, req)
		}
	})
	rep := run(t, r, time.Minute)
	if len(token) < 16 {
		t.Fatalf("callback token %q not seen", token)
	}
	if len(rep.Strays) == 0 {
		t.Fatalf("the stray did not reach the report (verdict %s: %s)", rep.Verdict, rep.Error)
	}
	for _, s := range rep.Strays {
		if strings.Contains(s.Path, token) {
			t.Errorf("report stray path %q holds the token", s.Path)
		}
	}
	for name, write := range map[string]func(io.Writer, *report.Report) error{
		"table": report.WriteTable, "json": report.WriteJSON, "yaml": report.WriteYAML, "junit": report.WriteJUnit,
	} {
		var b bytes.Buffer
		if err := write(&b, rep); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), token) {
			t.Errorf("the %s report prints the callback token", name)
		}
	}
}
