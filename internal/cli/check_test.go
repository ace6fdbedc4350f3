package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/lab/profile"
)

// checkOptionsFor runs args with the check command replaced by one whose
// run func captures its options.
func checkOptionsFor(t *testing.T, args []string) (*checkOptions, error) {
	t.Helper()
	streams, _, _ := TestStreams()
	f := NewFactory(streams, "test")
	root := NewCmdRoot(f)
	for _, c := range root.Commands() {
		if c.Name() == "check" {
			root.RemoveCommand(c)
		}
	}
	var got *checkOptions
	root.AddCommand(NewCmdCheck(f, func(_ context.Context, o *checkOptions) error { got = o; return nil }))
	root.SetArgs(args)
	_, err := root.ExecuteC()
	return got, err
}

func TestCheckFlags(t *testing.T) {
	tmp := t.TempDir()
	tests := []struct {
		name  string
		args  []string
		check func(*checkOptions) bool
	}{
		{"defaults", []string{"check"}, func(o *checkOptions) bool {
			return o.Scenario == "cpu-idle" && o.Timeout == 10*time.Minute && !o.Lab && o.Speed == 0 && !o.Keep
		}},
		{"lab run", []string{"check", "--lab", "-s", "synthetic", "--speed", "120", "--lab-hosts", "5"}, func(o *checkOptions) bool {
			return o.Lab && o.Scenario == "synthetic" && o.Speed == 120 && o.LabHosts == 5
		}},
		{"lab faults", []string{"check", "--lab", "--lab-agents-project", "service", "--lab-definition-delay", "3s", "--lab-agent-clock-skew", "2m"}, func(o *checkOptions) bool {
			return o.LabFaults == labFaults{AgentsProject: "service", DefinitionDelay: 3 * time.Second, AgentClockSkew: 2 * time.Minute}
		}},
		{"lab release", []string{"check", "--lab", "--lab-release", "newton", "--lab-api", "java"}, func(o *checkOptions) bool {
			return o.LabFaults.profile == profile.MustParse("newton", "java")
		}},
		{"receiver placement", []string{"check", "--listen", ":8080", "--callback-url", "http://203.0.113.10:8080"}, func(o *checkOptions) bool {
			return o.Listen == ":8080" && o.CallbackURL == "http://203.0.113.10:8080"
		}},
		{"bare port", []string{"check", "--listen", "3001"}, func(o *checkOptions) bool { return o.Listen == ":3001" }},
		{"reports", []string{"check", "--junit", filepath.Join(tmp, "r.xml"), "--save", filepath.Join(tmp, "d.jsonl"), "--keep", "--timeout", "90s"}, func(o *checkOptions) bool {
			return o.JUnit == filepath.Join(tmp, "r.xml") && o.Save == filepath.Join(tmp, "d.jsonl") && o.Keep && o.Timeout == 90*time.Second
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := checkOptionsFor(t, tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(o) {
				t.Errorf("options %+v", *o)
			}
		})
	}
}

func TestCheckUsageErrorsExitTwo(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"check", "--timeout", "0s"}, "--timeout"},
		{[]string{"check", "--tls-cert", "c.pem"}, "--tls-key"},
		{[]string{"check", "--speed", "0.5"}, "--speed"},
		{[]string{"check", "--lab-hosts", "0"}, "--lab-hosts"},
		{[]string{"check", "--lab", "--lab-release", "kilo"}, "mitaka, newton, ocata"},
		{[]string{"check", "--lab", "--lab-api", "rust"}, "--lab-api"},
		{[]string{"check", "-s", "synthetic", "--scenario-file", "x.yaml"}, "not both"},
		{[]string{"check", "--timeout", "soon"}, "--timeout"},
		{[]string{"check", "--listen", "host:99999"}, "--listen"},
		{[]string{"check", "--listen", "localhost"}, "--listen"},
		{[]string{"check", "--callback-url", "localhost:123"}, "--callback-url"},
		{[]string{"check", "--lab-definition-delay", "-3s"}, "--lab-definition-delay"},
		{[]string{"check", "--callback-url", "ftp://localhost/x"}, "--callback-url"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, err := checkOptionsFor(t, tt.args)
			if exitCode(context.Background(), err) != 2 || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v: want a usage error naming %s", err, tt.want)
			}
		})
	}
}

func TestCheckUnknownScenarioExitsTwoBeforeConnecting(t *testing.T) {
	code, stdout, stderr := runCLI(t, "check", "-s", "no-such-scenario")
	if code != 2 || !strings.Contains(stderr, "no-such-scenario") || stdout != "" {
		t.Errorf("code %d stdout %q stderr %q", code, stdout, stderr)
	}
}

func TestCheckWithoutCredentialsExitsTwoNamingTheVariable(t *testing.T) {
	for _, k := range []string{"OS_CLOUD", "OS_AUTH_URL", "OS_CLIENT_CONFIG_FILE"} {
		t.Setenv(k, "")
	}
	t.Setenv("OS_CLIENT_CONFIG_FILE", t.TempDir()+"/none.yaml")
	code, _, stderr := runCLI(t, "check", "-s", "synthetic")
	if code != 2 || !strings.Contains(stderr, "OS_AUTH_URL") {
		t.Errorf("code %d stderr %q", code, stderr)
	}
}

func TestCheckLabSyntheticPassesAndPrintsTheTable(t *testing.T) {
	code, stdout, stderr := runCLI(t, "check", "--lab", "-s", "synthetic")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "PASS") || !strings.Contains(stdout, "delivery") {
		t.Errorf("stdout lacks the stage table:\n%s", stdout)
	}
}

// The lab fault options reach the lab: agents in their own project leave
// the check's project without agent metrics, and the hint says so.
func TestCheckLabAgentsProjectNamesTheCause(t *testing.T) {
	code, stdout, stderr := runCLI(t, "check", "--lab", "--lab-agents-project", "service", "-o", "json")
	if code != 3 || !strings.Contains(stdout, "posting into another project") {
		t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// A command built without the root command (no global flags bound) runs on
// the defaults instead of dereferencing a nil Factory.Global.
func TestCheckBuiltAloneRunsAgainstTheLab(t *testing.T) {
	streams, stdout, stderr := TestStreams()
	cmd := NewCmdCheck(&Factory{IO: streams, Version: "test"}, nil)
	cmd.SetArgs([]string{"--lab", "-s", "synthetic", "--timeout", "2m"})
	cmd.SetOut(streams.Out)
	cmd.SetErr(streams.ErrOut)
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("check: %v\nstderr: %s", err, stderr)
	}
	if !strings.Contains(stdout.String(), "PASS: scenario synthetic") {
		t.Fatalf("stdout:\n%s", stdout)
	}
}

func TestFactoryWithoutGlobalsReadsTheDefaults(t *testing.T) {
	streams, _, _ := TestStreams()
	f := &Factory{IO: streams}
	if f.Output() != "table" || f.Debug() {
		t.Fatalf("Output %q Debug %v, want table and false", f.Output(), f.Debug())
	}
	if f.Now().IsZero() {
		t.Fatal("Now is zero without a clock")
	}
}

// A usage error under -o json or --junit still leaves the report a CI job
// waits for, carrying the error and exit code 2.
func TestCheckUsageErrorStillWritesTheReports(t *testing.T) {
	for _, args := range [][]string{
		{"-s", "nope"},
		{"--timeout", "-1s"},
		{"--speed", "abc"},
	} {
		junit := filepath.Join(t.TempDir(), "j.xml")
		full := append([]string{"check", "-o", "json", "--junit", junit}, args...)
		code, stdout, _ := runCLI(t, full...)
		if code != 2 {
			t.Fatalf("%v: exit %d, want 2", args, code)
		}
		var rep struct {
			SchemaVersion int    `json:"schema_version"`
			Verdict       string `json:"verdict"`
			ExitCode      int    `json:"exit_code"`
			Error         string `json:"error"`
		}
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("%v: stdout is not the report: %v\n%s", args, err, stdout)
		}
		if rep.SchemaVersion != 1 || rep.Verdict != "error" || rep.ExitCode != 2 || !strings.Contains(rep.Error, args[1]) {
			t.Errorf("%v: report %+v", args, rep)
		}
		x, err := os.ReadFile(junit)
		if err != nil {
			t.Fatalf("%v: no JUnit file: %v", args, err)
		}
		if !strings.Contains(string(x), `failures="1"`) || !strings.Contains(string(x), args[1]) {
			t.Errorf("%v: JUnit does not carry the error:\n%s", args, x)
		}
	}
	// Without -o json or --junit, stdout stays empty.
	if _, stdout, _ := runCLI(t, "check", "-s", "nope"); stdout != "" {
		t.Errorf("a table-mode usage error printed a report:\n%s", stdout)
	}
}

// A run that itself ends in exit 2 (preflight: the API lacks what the
// scenario needs) wrote its report; the usage report is not added to it.
func TestCheckRefusedByPreflightWritesOneReport(t *testing.T) {
	code, stdout, _ := runCLI(t, "check", "--lab", "--lab-release", "mitaka", "-s", "periodic", "-o", "json")
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	var rep struct {
		Stages []struct{ Name string } `json:"stages"`
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if len(rep.Stages) == 0 || dec.More() {
		t.Errorf("want the run's own report alone (stages %d, more documents %v):\n%s", len(rep.Stages), dec.More(), stdout)
	}
}
