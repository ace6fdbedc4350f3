//go:build e2e

package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/labtest"
)

// TestMonascaCLIAgainstLab drives the lab with Debian's real monasca CLI,
// configured only through OS_* variables that point at the lab's built-in
// Keystone, so the CLI must authenticate, read the catalog and find the
// monitoring endpoint exactly as it would on a real cloud. Every change the
// CLI makes is checked independently through the lab's HTTP API.
func TestMonascaCLIAgainstLab(t *testing.T) {
	requireMonascaCLI(t)
	l := labtest.Start(t, lab.Options{Hosts: -1}) // no simulated agents: only our metric

	u := l.Credentials()
	osEnv := []string{
		"OS_AUTH_URL=" + l.AuthURL(),
		"OS_USERNAME=" + u.Name,
		"OS_PASSWORD=" + u.Password,
		"OS_PROJECT_NAME=" + u.Project,
		"OS_USER_DOMAIN_NAME=" + u.UserDomain,
		"OS_PROJECT_DOMAIN_NAME=" + u.ProjectDomain,
		"OS_REGION_NAME=" + l.Region(),
		"OS_IDENTITY_API_VERSION=3",
	}
	token, err := l.Token(u.Name)
	if err != nil {
		t.Fatal(err)
	}
	mon := l.MonitoringURL()
	suffix := randomSuffix(t)

	// notification-create / -list
	hook := "http://127.0.0.1:9/monhook-e2e-cli"
	nm := cliJSON[map[string]any](t, mustMonasca(t, osEnv,
		"notification-create", "monhook-e2e-cli-"+suffix, "WEBHOOK", hook, "-j"))
	nmID, _ := nm["id"].(string)
	if nmID == "" {
		t.Fatalf("notification-create printed no id: %v", nm)
	}
	status, body := apiGet(t, mon, token, "/notification-methods/"+nmID)
	if status != http.StatusOK {
		t.Fatalf("GET notification method %s after notification-create: %d %s", nmID, status, body)
	}
	var gotNM struct{ Name, Type, Address string }
	mustUnmarshal(t, body, &gotNM)
	if gotNM.Name != "monhook-e2e-cli-"+suffix || gotNM.Type != "WEBHOOK" || gotNM.Address != hook {
		t.Errorf("API shows notification method %+v, want the one the CLI created", gotNM)
	}
	if list := cliJSON[[]map[string]any](t, mustMonasca(t, osEnv, "notification-list", "-j")); !hasID(list, nmID) {
		t.Errorf("notification-list -j lacks %s: %v", nmID, list)
	}

	// alarm-definition-create / -list
	metric := "monhook.e2e.cli_" + suffix
	expr := "avg(" + metric + "{host=cli-host}) > 5"
	ad := cliJSON[map[string]any](t, mustMonasca(t, osEnv,
		"alarm-definition-create", "monhook-e2e-cli-"+suffix, expr,
		"--severity", "LOW", "--alarm-actions", nmID, "--description", "monhook e2e: real monasca CLI", "-j"))
	adID, _ := ad["id"].(string)
	if adID == "" {
		t.Fatalf("alarm-definition-create printed no id: %v", ad)
	}
	status, body = apiGet(t, mon, token, "/alarm-definitions/"+adID)
	if status != http.StatusOK {
		t.Fatalf("GET alarm definition %s after alarm-definition-create: %d %s", adID, status, body)
	}
	var gotAD struct {
		Expression   string   `json:"expression"`
		Severity     string   `json:"severity"`
		AlarmActions []string `json:"alarm_actions"`
	}
	mustUnmarshal(t, body, &gotAD)
	if gotAD.Expression != expr || gotAD.Severity != "LOW" || !slices.Equal(gotAD.AlarmActions, []string{nmID}) {
		t.Errorf("API shows alarm definition %+v, want expression %q, LOW, actions [%s]", gotAD, expr, nmID)
	}
	if list := cliJSON[[]map[string]any](t, mustMonasca(t, osEnv, "alarm-definition-list", "-j")); !hasID(list, adID) {
		t.Errorf("alarm-definition-list -j lacks %s: %v", adID, list)
	}

	// metric-create: the CLI posts a float millisecond timestamp.
	mustMonasca(t, osEnv, "metric-create", metric, "42.5", "--dimensions", "host=cli-host")
	status, body = apiGet(t, mon, token, "/metrics?name="+metric)
	if status != http.StatusOK {
		t.Fatalf("GET metrics after metric-create: %d %s", status, body)
	}
	metrics := apiElements(t, body)
	if len(metrics) != 1 {
		t.Fatalf("API lists %d metrics named %s after metric-create, want 1: %s", len(metrics), metric, body)
	}
	if dims, _ := metrics[0]["dimensions"].(map[string]any); dims["host"] != "cli-host" {
		t.Errorf("metric dimensions = %v, want host=cli-host", metrics[0]["dimensions"])
	}

	// alarm-list: whatever the evaluator has made of it so far, the CLI must
	// be able to read it.
	cliJSON[[]map[string]any](t, mustMonasca(t, osEnv, "alarm-list", "-j"))

	// Deletes, in dependency order; the API must no longer know them.
	mustMonasca(t, osEnv, "alarm-definition-delete", adID)
	if status, body := apiGet(t, mon, token, "/alarm-definitions/"+adID); status != http.StatusNotFound {
		t.Errorf("GET alarm definition after alarm-definition-delete: %d %s, want 404", status, body)
	}
	mustMonasca(t, osEnv, "notification-delete", nmID)
	if status, body := apiGet(t, mon, token, "/notification-methods/"+nmID); status != http.StatusNotFound {
		t.Errorf("GET notification method after notification-delete: %d %s, want 404", status, body)
	}
}

func randomSuffix(t testing.TB) string {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func mustUnmarshal(t testing.TB, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
}
