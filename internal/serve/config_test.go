package serve

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/monhook/monhook/marker"
)

func TestParseTargetsReadsTheServeSection(t *testing.T) {
	got, err := ParseTargets([]byte(`
output: json
check:
  scenario: synthetic
serve:
  listen: ":10070"
  targets:
    - cloud: prod
      scenario: synthetic
      interval: 5m
      timeout: 3m
    - scenario: api-state
      name: env-api
      forward-to: http://127.0.0.1:3001/openstack/alerts
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []Target{
		{Cloud: "prod", Scenario: "synthetic", Interval: 5 * time.Minute, Timeout: 3 * time.Minute},
		{Name: "env-api", Scenario: "api-state", ForwardTo: "http://127.0.0.1:3001/openstack/alerts"},
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("targets = %+v, want %+v", got, want)
	}
	cfg := Config{Targets: got}.withDefaults()
	if cfg.Targets[0].Name != "prod/synthetic" || cfg.Targets[1].Interval != DefaultInterval || cfg.Targets[1].Timeout != DefaultInterval/2 {
		t.Errorf("defaults: %+v", cfg.Targets)
	}
	pair := Config{Targets: []Target{{Cloud: "prod", Scenario: "synthetic"}, {Cloud: "prod", Scenario: "synthetic", Type: TypeEmail}}}.withDefaults()
	if a, b := pair.Targets[0].Name, pair.Targets[1].Name; a != "prod/synthetic" || b != "prod/synthetic/email" {
		t.Errorf("default names of a scenario's webhook and email targets: %q, %q; want prod/synthetic, prod/synthetic/email", a, b)
	}
	if none, err := ParseTargets([]byte("output: json\n")); err != nil || none != nil {
		t.Errorf("a config without serve.targets: %v, %v", none, err)
	}
}

func TestBadConfigNamesTheKey(t *testing.T) {
	parse := []struct{ yaml, key string }{
		{"serve:\n  targets:\n    - scenario: synthetic\n      interval: 5 minutes\n", "serve.targets[0].interval"},
		{"serve:\n  targets:\n    - scenario: synthetic\n    - scenario: synthetic\n      intervall: 5m\n", "serve.targets[1].intervall"},
		{"serve:\n  targets: synthetic\n", "serve.targets"},
		{"serve:\n  targets:\n    - synthetic\n", "serve.targets[0]"},
		{"serve:\n  targets:\n    - scenario: synthetic\n      forward-to: 127.0.0.1:3001\n", "serve.targets[0].forward-to"},
	}
	for _, c := range parse {
		_, err := ParseTargets([]byte(c.yaml))
		assertKey(t, err, c.key)
	}
	validate := []struct {
		cfg Config
		key string
	}{
		{Config{Targets: []Target{{Scenario: "nosuch"}}}, "serve.targets[0].scenario"},
		{Config{Targets: []Target{{Cloud: "prod"}}}, "serve.targets[0].scenario"},
		{Config{Targets: []Target{{Scenario: "synthetic", Interval: time.Minute, Timeout: 2 * time.Minute}}}, "serve.targets[0].timeout"},
		{Config{Targets: []Target{{Scenario: "synthetic", Interval: time.Millisecond}}}, "serve.targets[0].interval"},
		{Config{Targets: []Target{{Scenario: "synthetic"}, {Scenario: "synthetic"}}}, "serve.targets[1].name"},
		// A bare port is the CLI's to turn into ":PORT" (normalizeListen);
		// the package takes addresses only.
		{Config{Listen: "localhost"}, "serve.listen"},
		{Config{ReceiverListen: "nohost"}, "serve.receiver-listen"},
		{Config{CallbackURL: "ftp://x"}, "serve.callback-url"},
		{Config{InstanceID: "AB!"}, "serve.instance-id"},
		{Config{TLSCert: "cert.pem"}, "serve.tls-cert"},
		{Config{TLSCert: "/nonexistent/cert.pem", TLSKey: "/nonexistent/key.pem"}, "serve.tls-cert"},
		{Config{MaxConcurrent: -1}, "serve.max-concurrent"},
		{Config{SweepOlderThan: time.Minute}, "serve.sweep-older-than"},
		// An EMAIL probe has no webhook to relay: refused, not a run
		// whose verdict silently leaves the consumer out.
		{Config{Email: &EmailOptions{}, Targets: []Target{{Scenario: "synthetic", Type: TypeEmail, ForwardTo: "http://127.0.0.1:3001/"}}}, "serve.targets[0].forward-to"},
	}
	for _, c := range validate {
		assertKey(t, c.cfg.withDefaults().Validate(), c.key)
	}
	l := startLab(t)
	_, err := New(Options{Config: Config{Targets: []Target{{Cloud: "mars", Scenario: "synthetic"}}}, Resolve: l.resolve})
	assertKey(t, err, "serve.targets[0].cloud")
}

// The refusal of a too-young sweep age names the real minimum: the
// longest timeout plus the teardown allowance, and that minimum is
// accepted.
func TestSweepOlderThanNamesItsMinimum(t *testing.T) {
	cfg := Config{SweepOlderThan: 2*time.Minute + time.Second,
		Targets: []Target{{Scenario: "synthetic", Interval: 10 * time.Minute, Timeout: 3 * time.Minute}}}.withDefaults()
	err := cfg.Validate()
	assertKey(t, err, "serve.sweep-older-than")
	if want := "must be at least 3m40s"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want it to say %q", err, want)
	}
	cfg.SweepOlderThan = 3*time.Minute + 40*time.Second
	if err := cfg.Validate(); err != nil {
		t.Errorf("the named minimum is refused: %v", err)
	}
	if got := (Config{}).withDefaults().sweepAge(); got != DefaultProbeTimeout+teardownAllowance {
		t.Errorf("default sweep age %s, want the longest /probe run %s", got, DefaultProbeTimeout+teardownAllowance)
	}
}

func assertKey(t *testing.T, err error, key string) {
	t.Helper()
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Key != key || !strings.Contains(err.Error(), `"`+key+`"`) {
		t.Errorf("error %v, want a ConfigError naming %s", err, key)
	}
}

func TestInstanceIDIsStableAndPrefixesRunIDs(t *testing.T) {
	a, b := DeriveInstanceID(":10071"), DeriveInstanceID(":10071")
	if a != b || !ValidInstanceID(a) {
		t.Fatalf("derived ids %q, %q: want equal and valid", a, b)
	}
	if DeriveInstanceID(":10072") == a {
		t.Error("another receiver, same instance id")
	}
	// A new --callback-url must not orphan the earlier process's leftovers.
	x := Config{ReceiverListen: ":10071", CallbackURL: "http://a:10071"}.withDefaults()
	y := Config{ReceiverListen: ":10071", CallbackURL: "http://b:10071"}.withDefaults()
	if x.InstanceID != y.InstanceID {
		t.Errorf("instance ids %s and %s differ by --callback-url only", x.InstanceID, y.InstanceID)
	}
	ids := newRunIDs(a)
	seen := map[string]bool{}
	for range 1000 {
		id := ids.next()
		if len(id) != runIDLength || !strings.HasPrefix(id, a) || seen[id] {
			t.Fatalf("run id %q: want %d characters, prefix %s, unique among runs in flight", id, runIDLength, a)
		}
		if _, ok := marker.ParseMethodMarker("monhook-" + id + "-webhook-20260101T000000Z"); !ok {
			t.Fatalf("run id %q does not fit monhook's marker", id)
		}
		seen[id] = true
	}
}

func TestSessionIsSharedUntilAProbeCouldNotRun(t *testing.T) {
	calls := 0
	c := newConnCache(func(string) (ConnectFunc, error) {
		return func(context.Context) (Conn, error) { calls++; return Conn{ProjectID: "p"}, nil }, nil
	})
	connect, err := c.get("prod")
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := connect(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if calls != 1 {
		t.Fatalf("authenticated %d times for 3 probes, want once", calls)
	}
	c.reset("prod")
	if _, err := connect(context.Background()); err != nil || calls != 2 {
		t.Fatalf("after reset: %d authentications (%v), want a fresh one", calls, err)
	}
}

// Targets accept what check accepts: a scenario file and an agent host.
func TestTargetsTakeScenarioFilesAndHostnames(t *testing.T) {
	src, err := os.ReadFile("../../scenarios/builtin/synthetic.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "mine.yaml")
	if err := os.WriteFile(file, []byte(strings.Replace(string(src), "name: synthetic", "name: my-synthetic", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := ParseTargets([]byte("serve:\n  targets:\n    - scenario-file: " + file + "\n    - scenario: cpu-idle\n      hostname: lab-compute-2\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Targets: got}.withDefaults()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.Targets[0].Name != "env/my-synthetic" || cfg.Targets[1].Hostname != "lab-compute-2" {
		t.Errorf("targets %+v", cfg.Targets)
	}
	for _, c := range []struct {
		target Target
		key    string
	}{
		{Target{Scenario: "synthetic", ScenarioFile: file}, "serve.targets[0].scenario-file"},
		{Target{ScenarioFile: "/nonexistent.yaml"}, "serve.targets[0].scenario-file"},
		{Target{Scenario: "synthetic", Hostname: "h1"}, "serve.targets[0].hostname"},
	} {
		assertKey(t, Config{Targets: []Target{c.target}}.withDefaults().Validate(), c.key)
	}

	l := startLab(t)
	s := startServer(t, l, Config{Targets: []Target{{Name: "mine", ScenarioFile: file, Interval: time.Second}}})
	awaitMetric(t, s, "the scenario file's target passes", func(m map[string]*dto.MetricFamily) bool {
		mm, ok := sample(m, "monhook_probe_success", "target", "mine", "scenario", "my-synthetic")
		return ok && value(mm) == 1
	})
}
