package lab_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/internal/lab/profile"
	"github.com/monhook/monhook/webhook"
)

type delivery struct {
	body  []byte
	token string
}

// deliverOne sends one webhook from a lab of the profile (a manual state
// change) and returns what the consumer received.
func deliverOne(t *testing.T, opts lab.Options, createBody func(url string) string) (delivery, *lab.Lab) {
	t.Helper()
	got := make(chan delivery, 1)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- delivery{b, r.Header.Get("X-Auth-Token")}
	}))
	defer hook.Close()
	opts.Hosts = -1
	l := startLab(t, opts)
	nm := apiCall(t, l, "labuser", "POST", "/notification-methods", createBody(hook.URL))["id"].(string)
	def := apiCall(t, l, "labuser", "POST", "/alarm-definitions", `{"name":"api","expression":"m > 1","alarm_actions":["`+nm+`"]}`)["id"].(string)
	a, err := l.Store().CreateAlarm(model.Alarm{DefinitionID: def, Metrics: []model.MetricDef{{Name: "m", Dimensions: map[string]string{"hostname": "h1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	apiCall(t, l, "labuser", "PATCH", "/alarms/"+a.ID, `{"state":"ALARM"}`)
	select {
	case d := <-got:
		return d, l
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook within 10 s of the state change")
	}
	return delivery{}, nil
}

// Each release's notifier writes the body with its encoder; Rocky on can
// add X-Auth-Token, a token the lab's API accepts.
func TestNotifierSpeaksTheReleaseEncoding(t *testing.T) {
	mitakaMethod := func(url string) string { return `{"name":"h","type":"WEBHOOK","address":"` + url + `"}` }
	latestMethod := func(url string) string { return `{"name":"h","type":"WEBHOOK","address":"` + url + `","period":0}` }
	for _, c := range []struct {
		release string
		create  func(string) string
		want    webhook.Encoding
	}{
		{"mitaka", mitakaMethod, webhook.JSON},
		{"pike", latestMethod, webhook.UJSON},
		{"latest", latestMethod, webhook.SimpleJSON},
	} {
		d, _ := deliverOne(t, lab.Options{Profile: profile.MustParse(c.release, "")}, c.create)
		if enc, ok := webhook.DetectEncoding(d.body); !ok || enc != c.want {
			t.Errorf("%s: body encoded as %s, want %s: %s", c.release, enc, c.want, d.body)
		}
		if d.token != "" {
			t.Errorf("%s: X-Auth-Token sent without NotifierAuthToken", c.release)
		}
	}

	d, l := deliverOne(t, lab.Options{Profile: profile.MustParse("rocky", ""), NotifierAuthToken: true}, latestMethod)
	if d.token == "" {
		t.Fatal("rocky with NotifierAuthToken: no X-Auth-Token")
	}
	// The token is a real one of the lab's Keystone: the API (which
	// validates tokens as keystonemiddleware does) accepts it.
	req, _ := http.NewRequest(http.MethodGet, l.MonitoringURL()+"/", nil)
	req.Header.Set("X-Auth-Token", d.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the notifier's token is refused: %d", resp.StatusCode)
	}
}
