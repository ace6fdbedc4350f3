//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
)

// `listen --register --attach DEF --expect N --timeout D` is a verdict for
// an alarm definition the operator already has: the built binary against
// `monhook lab` as a separate process, the definition created through the
// lab's API (as the operator's tooling would), and the alarm fired by
// posting measurements, so the lab's own threshold engine and notifier
// make the delivery.

// expectTimeout is D for runs that must pass: generous, since the verdict
// ends as soon as the delivery arrived (at --speed 60 that takes about a
// second). failTimeout is D for runs that must fail, which last exactly D.
const (
	expectTimeout = "60s"
	failTimeout   = "2s"
)

// labAPI is an authenticated view of the lab's Monasca API from the test.
type labAPI struct {
	url, token string
}

func newLabAPI(t *testing.T, lp *labProcess) labAPI {
	t.Helper()
	pc := authenticate(t, gophercloud.AuthOptions{
		IdentityEndpoint: lp.env["OS_AUTH_URL"],
		Username:         lp.env["OS_USERNAME"],
		Password:         lp.env["OS_PASSWORD"],
		TenantName:       lp.env["OS_PROJECT_NAME"],
		DomainName:       lp.env["OS_USER_DOMAIN_NAME"],
	})
	return labAPI{url: monitoringURL(t, pc, lp.env["OS_REGION_NAME"]), token: pc.Token()}
}

func (a labAPI) do(t *testing.T, method, path string, body any, want int) []byte {
	t.Helper()
	js := ""
	if body != nil {
		b, err := json.Marshal(body)
		must(t, err)
		js = string(b)
	}
	status, out := apiDo(t, method, a.url, a.token, path, js)
	if status != want {
		t.Fatalf("%s %s: %d, want %d\n%s", method, path, status, want, out)
	}
	return out
}

// operatorDefinition is an alarm definition the operator made: its
// ok_actions hold the operator's own notification method (which listen
// must leave alone), its alarm_actions are empty (which listen must
// restore), and it fires when e2e.listen.value of host `host` exceeds 10.
type operatorDefinition struct {
	id, name, host, operatorMethod string
}

func createOperatorDefinition(t *testing.T, api labAPI, name string) operatorDefinition {
	t.Helper()
	var nm struct{ ID string }
	must(t, json.Unmarshal(api.do(t, http.MethodPost, "/notification-methods", map[string]any{
		"name": name + " pager", "type": "WEBHOOK", "address": "http://127.0.0.1:9/pager",
	}, http.StatusCreated), &nm))
	host := strings.ReplaceAll(name, " ", "-")
	var def struct{ ID string }
	must(t, json.Unmarshal(api.do(t, http.MethodPost, "/alarm-definitions", map[string]any{
		"name":       name,
		"expression": "avg(e2e.listen.value{hostname=" + host + "}) > 10",
		"ok_actions": []string{nm.ID},
	}, http.StatusCreated), &def))
	return operatorDefinition{id: def.ID, name: name, host: host, operatorMethod: nm.ID}
}

// fire posts a high measurement for d's host every 200 ms until the test
// ends or stop is called, as an agent reporting the condition would.
func (a labAPI) fire(t *testing.T, d operatorDefinition) (stop func()) {
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			body := fmt.Sprintf(`{"name":"e2e.listen.value","dimensions":{"hostname":%q},"timestamp":%d,"value":42}`,
				d.host, time.Now().UnixMilli())
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.url+"/metrics", strings.NewReader(body))
			if err != nil {
				return
			}
			req.Header.Set("X-Auth-Token", a.token)
			req.Header.Set("Content-Type", "application/json")
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	stop = func() { cancel(); <-done }
	t.Cleanup(stop)
	return stop
}

// alarms lists d's alarms as (id, state) pairs.
func (a labAPI) alarms(t *testing.T, d operatorDefinition) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, e := range apiElements(t, a.do(t, http.MethodGet, "/alarms?alarm_definition_id="+d.id, nil, http.StatusOK)) {
		out[e["id"].(string)], _ = e["state"].(string)
	}
	return out
}

// awaitAlarmState waits until one of d's alarms is in state.
func (a labAPI) awaitAlarmState(t *testing.T, d operatorDefinition, state string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for id, st := range a.alarms(t, d) {
			if st == state {
				return id
			}
		}
		time.Sleep(100 * time.Millisecond) // polling an observable condition
	}
	t.Fatalf("no alarm of %q reached %s within 30s", d.name, state)
	return ""
}

// assertRestored: after listen, no monhook notification method is left
// and the definition's actions are as the operator made them.
func assertRestored(t *testing.T, lp *labProcess, api labAPI, d operatorDefinition) {
	t.Helper()
	if left := leftovers(t, lp); len(left) != 0 {
		t.Errorf("left in the lab: %+v", left)
	}
	var got struct {
		AlarmActions, OKActions, UndeterminedActions []string
	}
	body := api.do(t, http.MethodGet, "/alarm-definitions/"+d.id, nil, http.StatusOK)
	var raw map[string]json.RawMessage
	must(t, json.Unmarshal(body, &raw))
	must(t, json.Unmarshal(raw["alarm_actions"], &got.AlarmActions))
	must(t, json.Unmarshal(raw["ok_actions"], &got.OKActions))
	must(t, json.Unmarshal(raw["undetermined_actions"], &got.UndeterminedActions))
	if len(got.AlarmActions) != 0 || !slices.Equal(got.OKActions, []string{d.operatorMethod}) || len(got.UndeterminedActions) != 0 {
		t.Errorf("definition actions after listen = %+v, want alarm [] ok [%s] undetermined []", got, d.operatorMethod)
	}
	for _, e := range apiElements(t, api.do(t, http.MethodGet, "/notification-methods", nil, http.StatusOK)) {
		if name, _ := e["name"].(string); !strings.HasSuffix(name, " pager") {
			t.Errorf("notification method %v left after listen; want only the operator's", e)
		}
	}
}

// waitExit waits for a listen process to end on its own, bounded.
func (lp *listenProcess) waitExit(t *testing.T, within time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- lp.cmd.Wait() }()
	select {
	case err := <-done:
		return exitCodeOf(err)
	case <-time.After(within):
		t.Fatalf("listen did not end within %s:\n%s", within, lp.stderr.String())
		return -1
	}
}

// listenExpect starts listen --register --attach d --expect 1 with extra
// flags and, once it is ready, fires d when fire is set.
func listenExpect(t *testing.T, lp *labProcess, api labAPI, d operatorDefinition, fire bool, extra ...string) (int, string) {
	t.Helper()
	args := append([]string{"--register", "--attach", d.name, "--expect", "1"}, extra...)
	l := startListen(t, lp.Env(), args...)
	if fire {
		defer api.fire(t, d)()
	}
	code := l.waitExit(t, 90*time.Second)
	return code, l.stderr.String()
}

func TestListenExpectIsAVerdictForAnExistingDefinition(t *testing.T) {
	for _, release := range []string{"latest", "mitaka"} {
		t.Run(release, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			lp := startLabProcess(t, "--speed", e2eSpeed, "--release", release)
			api := newLabAPI(t, lp)
			d := createOperatorDefinition(t, api, "e2e listen "+release)
			code, stderr := listenExpect(t, lp, api, d, true, "--timeout", expectTimeout)
			if code != 0 || !strings.Contains(stderr, `expectation met: 1 delivery of alarm definition "`+d.name+`"`) {
				t.Fatalf("exit %d, want 0 with the expectation met:\n%s", code, stderr)
			}
			if release == "mitaka" && !strings.Contains(stderr, "created without period") {
				t.Errorf("a pre-Newton API: stderr does not say the method was created without period:\n%s", stderr)
			}
			assertRestored(t, lp, api, d)
			t.Logf("%s: fired, verdict and teardown in %s", release, time.Since(start).Round(time.Millisecond))
		})
	}
}

func TestListenExpectForwardsToTheRecipesPythonReceiver(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "webhook.log")
	py := startConsumer(t, "python3", filepath.Join("testdata", "recipe_receiver.py"), "0", logFile)
	url := py.url("/")
	lp := startLabProcess(t, "--speed", e2eSpeed)
	api := newLabAPI(t, lp)

	t.Run("receiver up: exit 0 and its log holds the alarm", func(t *testing.T) {
		start := time.Now()
		d := createOperatorDefinition(t, api, "e2e listen forward")
		code, stderr := listenExpect(t, lp, api, d, true, "--timeout", expectTimeout, "--forward-to", url)
		if code != 0 {
			t.Fatalf("exit %d, want 0:\n%s", code, stderr)
		}
		assertRestored(t, lp, api, d)
		logged, err := os.ReadFile(logFile)
		must(t, err)
		ids := api.alarms(t, d)
		if len(ids) != 1 {
			t.Fatalf("alarms of the definition: %v, want one", ids)
		}
		for id := range ids {
			if !strings.Contains(string(logged), `"alarm_id": "`+id+`"`) {
				t.Errorf("the receiver's log does not hold alarm %s:\n%s", id, logged)
			}
		}
		t.Logf("forwarded verdict in %s", time.Since(start).Round(time.Millisecond))
	})

	t.Run("receiver stopped: exit 1 naming its URL after D", func(t *testing.T) {
		py.stop()
		start := time.Now()
		d := createOperatorDefinition(t, api, "e2e listen forward down")
		code, stderr := listenExpect(t, lp, api, d, true, "--timeout", "5s", "--forward-to", url)
		if code != 1 {
			t.Fatalf("exit %d, want 1:\n%s", code, stderr)
		}
		want := "the consumer " + url + " did not take"
		if !strings.Contains(stderr, want) || !strings.Contains(stderr, "connection refused") {
			t.Errorf("stderr lacks %q and the refusal:\n%s", want, stderr)
		}
		assertRestored(t, lp, api, d)
		t.Logf("consumer-down verdict in %s", time.Since(start).Round(time.Millisecond))
	})
}

func TestListenExpectFailsWhenNothingArrives(t *testing.T) {
	lp := startLabProcess(t, "--speed", e2eSpeed)
	api := newLabAPI(t, lp)

	t.Run("nothing triggered: exit 1 after D naming what was expected", func(t *testing.T) {
		start := time.Now()
		d := createOperatorDefinition(t, api, "e2e listen idle")
		code, stderr := listenExpect(t, lp, api, d, false, "--timeout", failTimeout)
		took := time.Since(start)
		want := `expected 1 delivery of alarm definition "` + d.name + `" within ` + failTimeout + ` (--timeout), got 0`
		if code != 1 || !strings.Contains(stderr, want) {
			t.Fatalf("exit %d, want 1 with %q:\n%s", code, want, stderr)
		}
		if !strings.Contains(stderr, "has no alarms yet") {
			t.Errorf("stderr does not note the definition has no alarms yet:\n%s", stderr)
		}
		assertRestored(t, lp, api, d)
		t.Logf("idle verdict in %s", took.Round(time.Millisecond))
	})

	t.Run("alarm already in ALARM: the warning", func(t *testing.T) {
		start := time.Now()
		d := createOperatorDefinition(t, api, "e2e listen firing")
		stop := api.fire(t, d)
		id := api.awaitAlarmState(t, d, "ALARM")
		stop()
		code, stderr := listenExpect(t, lp, api, d, false, "--timeout", failTimeout)
		want := `warning: alarm definition "` + d.name + `" has 1 alarm already in ALARM (of 1)`
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q (alarm %s):\n%s", want, id, stderr)
		}
		if code != 1 {
			t.Errorf("exit %d, want 1: no transition, no delivery:\n%s", code, stderr)
		}
		assertRestored(t, lp, api, d)
		t.Logf("already-firing verdict in %s", time.Since(start).Round(time.Millisecond))
	})
}
