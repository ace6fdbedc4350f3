package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.yaml.in/yaml/v3"
)

// The shipped configs (configs/) must speak about metrics serve exports and
// run serve the way it is built; these tests read them as their users do.

var metricNameRE = regexp.MustCompile(`monhook_[a-z_]+`)

// exportedNames are the metric names serve exports, from its descriptors.
func exportedNames(t *testing.T) map[string]bool {
	t.Helper()
	s, err := New(Options{Config: Config{}, Resolve: func(string) (ConnectFunc, error) { return nil, errors.New("none") }})
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan *prometheus.Desc, 100)
	s.probeDescs.describe(ch)
	for _, c := range []prometheus.Collector{s.metrics.probes, s.metrics.inFlight, s.metrics.badRequests, s.metrics.swept,
		s.metrics.sweeps, s.metrics.leftovers, s.metrics.reloads, s.metrics.unrouted, s.metrics.tlsErrors} {
		c.Describe(ch)
	}
	close(ch)
	names := map[string]bool{}
	fq := regexp.MustCompile(`fqName: "([^"]+)"`)
	for d := range ch {
		if m := fq.FindStringSubmatch(d.String()); m != nil {
			names[m[1]] = true
		}
	}
	return names
}

func checkNames(t *testing.T, where, text string, known map[string]bool) {
	t.Helper()
	found := metricNameRE.FindAllString(text, -1)
	if len(found) == 0 && !strings.Contains(text, "up{") {
		t.Errorf("%s: no monhook metric referenced", where)
	}
	for _, n := range found {
		if !known[n] {
			t.Errorf("%s: %s is not a metric monhook serve exports", where, n)
		}
	}
}

func TestDashboardAndAlertsUseExportedMetrics(t *testing.T) {
	known := exportedNames(t)
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	mustJSON(t, "../../configs/grafana/monhook-dashboard.json", &dash)
	if len(dash.Panels) < 3 {
		t.Fatalf("dashboard has %d panels", len(dash.Panels))
	}
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			checkNames(t, "dashboard panel "+p.Title, tg.Expr, known)
		}
	}
	var rules struct {
		Groups []struct {
			Rules []struct{ Alert, Expr string }
		}
	}
	mustYAML(t, "../../configs/prometheus/monhook-alerts.yml", &rules)
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			checkNames(t, "alert "+r.Alert, r.Expr, known)
		}
	}
}

func TestKubernetesManifestsRunServeAsBuilt(t *testing.T) {
	docs := yamlDocs(t, "../../configs/kubernetes/monhook-serve.yaml")
	kinds := map[string]map[string]any{}
	for _, d := range docs {
		kinds[d["kind"].(string)] = d
	}
	for _, k := range []string{"ConfigMap", "Deployment", "Service", "ServiceMonitor"} {
		if kinds[k] == nil {
			t.Fatalf("monhook-serve.yaml has no %s", k)
		}
	}
	cfgText := dig(kinds["ConfigMap"], "data", "config.yaml").(string)
	targets, err := ParseTargets([]byte(cfgText))
	if err != nil || len(targets) == 0 {
		t.Fatalf("the ConfigMap's targets: %v, %v", targets, err)
	}
	var cfgDoc struct {
		Serve struct {
			Listen         string `yaml:"listen"`
			ReceiverListen string `yaml:"receiver-listen"`
			CallbackURL    string `yaml:"callback-url"`
			InstanceID     string `yaml:"instance-id"`
		} `yaml:"serve"`
	}
	if err := yaml.Unmarshal([]byte(cfgText), &cfgDoc); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Listen: cfgDoc.Serve.Listen, ReceiverListen: cfgDoc.Serve.ReceiverListen, CallbackURL: cfgDoc.Serve.CallbackURL,
		InstanceID: cfgDoc.Serve.InstanceID, Targets: targets}.withDefaults()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("the ConfigMap's config does not validate: %v", err)
	}
	c := dig(kinds["Deployment"], "spec", "template", "spec", "containers").([]any)[0].(map[string]any)
	if args := c["args"].([]any); args[0] != "serve" {
		t.Errorf("the Deployment runs %v, want serve", args)
	}
	ports := map[string]int{}
	for _, p := range c["ports"].([]any) {
		pm := p.(map[string]any)
		ports[pm["name"].(string)] = pm["containerPort"].(int)
	}
	for name, addr := range map[string]string{"http": cfg.Listen, "receiver": cfg.ReceiverListen} {
		_, port, _ := net.SplitHostPort(addr)
		if want := port; want != itoa(ports[name]) {
			t.Errorf("container port %s = %d, config says %s", name, ports[name], addr)
		}
	}
	if r := dig(kinds["Deployment"], "spec", "replicas"); r != 1 {
		t.Errorf("replicas = %v: one receiver per instance", r)
	}

	cron := yamlDocs(t, "../../configs/kubernetes/monhook-check-cronjob.yaml")[0]
	cc := dig(cron, "spec", "jobTemplate", "spec", "template", "spec", "containers").([]any)[0].(map[string]any)
	var args []string
	for _, a := range cc["args"].([]any) {
		args = append(args, a.(string))
	}
	joined := " " + strings.Join(args, " ") + " "
	if cron["kind"] != "CronJob" || args[0] != "check" || !strings.Contains(joined, " -o json ") || !strings.Contains(joined, " --junit ") {
		t.Errorf("the CronJob runs %v, want check -o json --junit", args)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func dig(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

func mustJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func mustYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func yamlDocs(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var out []map[string]any
	for {
		var d map[string]any
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, d)
	}
}

// The two shipped scrape configs merge into one prometheus.yml: no job
// name twice, and promtool (when installed) accepts the merged file.
func TestScrapeConfigsMerge(t *testing.T) {
	merged := map[string]any{"rule_files": []any{}, "scrape_configs": []any{}}
	jobs := map[string]string{}
	for _, f := range []string{"scrape-probe.yml", "scrape-targets.yml"} {
		var doc map[string]any
		mustYAML(t, "../../configs/prometheus/"+f, &doc)
		for _, sc := range doc["scrape_configs"].([]any) {
			name := sc.(map[string]any)["job_name"].(string)
			if other, dup := jobs[name]; dup {
				t.Errorf("job %q is in both %s and %s: Prometheus refuses the merged config", name, other, f)
			}
			jobs[name] = f
			merged["scrape_configs"] = append(merged["scrape_configs"].([]any), sc)
		}
	}
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed: merged config checked for job names only")
	}
	abs, err := filepath.Abs("../../configs/prometheus/monhook-alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	merged["rule_files"] = []any{abs}
	b, err := yaml.Marshal(merged)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "prometheus.yml")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(promtool, "check", "config", path).CombinedOutput(); err != nil {
		t.Errorf("promtool check config of both scrape configs merged: %v\n%s\n%s", err, out, b)
	}
}
