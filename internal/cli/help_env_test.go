package cli

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func TestHelpEnvironmentListsEveryVariableWithItsFlag(t *testing.T) {
	code, out, errOut := runCLI(t, "help", "environment")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// Every OS_* name the resolver reads is documented.
	src, err := os.ReadFile("../../openstack/credentials.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range regexp.MustCompile(`"(OS_[A-Z_]+|MONASCA_API_URL)"`).FindAllStringSubmatch(string(src), -1) {
		if !strings.Contains(out, name[1]) {
			t.Errorf("%s is read by openstack/credentials.go but not listed", name[1])
		}
	}
	for _, want := range []string{"OS_PASSWORD\n      --os-password:", "OS_PROJECT_DOMAIN_NAME\n      --os-project-domain-name:", "SSL_CERT_FILE"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
	// Every monhook flag of every command, as MONHOOK_*, with the flag.
	streams, _, _ := TestStreams()
	root := NewCmdRoot(NewFactory(streams, "test"))
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
			if fl.Name == "help" || fl.Name == "config" || fl.Name == "version" || fl.Hidden || isOpenStackFlag(fl.Name) {
				return
			}
			if want := envName(fl.Name) + "\n      --" + fl.Name + " ("; !strings.Contains(out, want) {
				t.Errorf("%s --%s: %s not listed", c.Name(), fl.Name, envName(fl.Name))
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for i, line := range strings.Split(out, "\n") {
		if len(line) > 80 {
			t.Errorf("line %d is %d columns: %q", i+1, len(line), line)
		}
	}
}

func TestEnvironmentTopicIsListedInHelp(t *testing.T) {
	_, out, _ := runCLI(t, "--help")
	if !strings.Contains(out, "Additional help topics:\n  monhook environment") {
		t.Errorf("root help does not list the environment topic:\n%s", out)
	}
}

// TestFlagHelpShowsTheValueType: pflag reads a `quoted` word in a flag's usage
// as the value's name, so "see `monhook scenarios`" made --help show
// "-s, --scenario monhook scenarios".
func TestFlagHelpShowsTheValueType(t *testing.T) {
	streams, _, _ := TestStreams()
	root := NewCmdRoot(NewFactory(streams, "test"))
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
			if strings.Contains(fl.Usage, "`") {
				name, _ := pflag.UnquoteUsage(fl)
				t.Errorf("%s --%s: usage has a backquoted word, shown as the value name %q", c.Name(), fl.Name, name)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// TestHelpEnvironmentGivesEachCommandsMeaning: MONHOOK_TIMEOUT is check's
// overall deadline but send's per-attempt timeout; MONHOOK_LISTEN has a
// different default in lab and serve than in check.
func TestHelpEnvironmentGivesEachCommandsMeaning(t *testing.T) {
	_, out, _ := runCLI(t, "help", "environment")
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		"MONHOOK_TIMEOUT --timeout (check, cleanup, listen, send): check, cleanup: overall deadline; listen: with --expect, how long to wait for the deliveries; send: per attempt",
		"lab: listen address (host:port, :port or a bare port)",
		"serve: HTTP address of /probe",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("help environment lacks %q", want)
		}
	}
}

func TestFirstClauseKeepsParenthesesWhole(t *testing.T) {
	for in, want := range map[string]string{
		`address (default all interfaces; e.g. ":8080")`: `address (default all interfaces; e.g. ":8080")`,
		"overall deadline; teardown still runs":          "overall deadline",
		"a (b) c; d (e; f)":                              "a (b) c",
	} {
		if got := firstClause(in); got != want {
			t.Errorf("firstClause(%q) = %q, want %q", in, got, want)
		}
	}
}
