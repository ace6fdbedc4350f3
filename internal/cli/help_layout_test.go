package cli

import (
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
	"github.com/spf13/cobra"
)

// allCommandPaths walks the real command tree, so a command or flag added
// later is covered without touching this test.
func allCommandPaths(t *testing.T) [][]string {
	t.Helper()
	streams, _, _ := TestStreams()
	root := NewCmdRoot(NewFactory(streams, "test"))
	root.InitDefaultCompletionCmd()
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		for _, sub := range c.Commands() {
			if sub.Hidden {
				continue
			}
			walk(sub, append(append([]string(nil), path...), sub.Name()))
		}
	}
	walk(root, nil)
	if len(paths) < 10 {
		t.Fatalf("walked only %d commands: %v", len(paths), paths)
	}
	return paths
}

func TestEveryHelpFitsEightyColumns(t *testing.T) {
	t.Setenv("COLUMNS", "80")
	for _, path := range allCommandPaths(t) {
		name := strings.Join(append([]string{"monhook"}, path...), " ")
		args := append(append([]string(nil), path...), "--help")
		if len(path) > 0 && path[0] == "environment" {
			args = []string{"help", "environment"}
		}
		code, out, errOut := runCLI(t, args...)
		if code != 0 {
			t.Errorf("%s --help: exit %d, stderr %q", name, code, errOut)
			continue
		}
		if out == "" {
			t.Errorf("%s --help printed nothing", name)
		}
		for i, line := range strings.Split(out, "\n") {
			if w := runewidth.StringWidth(line); w > 80 {
				t.Errorf("%s --help line %d is %d columns:\n%s", name, i+1, w, line)
			}
		}
	}
}

func TestHelpWrapsAtSpacesAndKeepsWordsWhole(t *testing.T) {
	t.Setenv("COLUMNS", "80")
	_, out, _ := runCLI(t, "check", "--help")
	// Every word of the flag usages survives: nothing was cut mid-token.
	for _, want := range []string{"monasca-notification)", "http://203.0.113.10:8080", "~/.config/monhook/config.yaml"} {
		if !strings.Contains(out, want) {
			t.Errorf("check --help lost %q whole:\n%s", want, out)
		}
	}
	// A wrapped example stays runnable: the break is a shell continuation.
	if !strings.Contains(out, "--callback-url \\\n") {
		t.Errorf("the long example is not continued with a backslash:\n%s", out)
	}
}

func TestWrapProseReflowsParagraphsAndHangsContinuations(t *testing.T) {
	in := "one two three four five six\nseven eight\n\n  0    first exit status text here\n- a list item that is long"
	got := wrapProse(in, 20)
	want := "one two three four\nfive six seven eight\n\n  0    first exit\n       status text\n       here\n- a list item that\n  is long"
	if got != want {
		t.Errorf("wrapProse:\n%s\nwant:\n%s", got, want)
	}
	if got := wrapProse("short\nlines stay", 20); got != "short\nlines stay" {
		t.Errorf("a paragraph that fits was reflowed: %q", got)
	}
}

func TestCloudlessCommandsHideAndWarnAboutOpenStackFlags(t *testing.T) {
	for _, cmd := range []string{"scenarios", "version", "send"} {
		_, out, _ := runCLI(t, cmd, "--help")
		if strings.Contains(out, "--os-cloud") || strings.Contains(out, "--monasca-api-url") {
			t.Errorf("%s --help lists the OpenStack flags:\n%s", cmd, out)
		}
		if !strings.Contains(out, "--config") {
			t.Errorf("%s --help lost the global flags that apply:\n%s", cmd, out)
		}
	}
	if _, out, _ := runCLI(t, "check", "--help"); !strings.Contains(out, "--os-cloud") {
		t.Errorf("check --help lost --os-cloud:\n%s", out)
	}
	code, _, errOut := runCLI(t, "version", "--os-cloud", "prod")
	if code != 0 || !strings.Contains(errOut, "warning: --os-cloud ignored") {
		t.Errorf("version --os-cloud prod: exit %d, stderr %q; want 0 and a warning", code, errOut)
	}
}

func TestHelpOfAnUnknownTopicIsAUsageError(t *testing.T) {
	code, out, errOut := runCLI(t, "help", "chekc")
	if code != 2 {
		t.Errorf("help chekc: exit %d, want 2", code)
	}
	if out != "" {
		t.Errorf("help chekc printed the usage to stdout:\n%s", out)
	}
	if !strings.Contains(errOut, `unknown help topic "chekc"`) || !strings.Contains(errOut, `"check"`) {
		t.Errorf("help chekc: stderr %q, want the topic named and check suggested", errOut)
	}
	if code, out, _ := runCLI(t, "help", "environment"); code != 0 || !strings.Contains(out, "OS_CLOUD") {
		t.Errorf("help environment: exit %d", code)
	}
	if code, out, _ := runCLI(t, "help", "check"); code != 0 || !strings.Contains(out, "monhook check [flags]") {
		t.Errorf("help check: exit %d\n%s", code, out)
	}
}

func TestCompletionOfHelpOffersTopics(t *testing.T) {
	_, out, _ := runCLI(t, cobra.ShellCompRequestCmd, "help", "")
	for _, want := range []string{"environment", "check", "scenarios"} {
		if !strings.Contains(out, want) {
			t.Errorf("completion of `help ` lacks %s:\n%s", want, out)
		}
	}
}

// The indented blocks of a Long text (option tables, config examples) are
// laid out by hand: one wider than 80 columns is rewrapped at 80 and its
// columns or comment markers break apart. Prose paragraphs (lines that
// start in column one) are reflowed anyway.
func TestLongTextsAreWrittenWithinEightyColumns(t *testing.T) {
	streams, _, _ := TestStreams()
	root := NewCmdRoot(NewFactory(streams, "test"))
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for i, line := range strings.Split(c.Long, "\n") {
			if !strings.HasPrefix(line, " ") {
				continue
			}
			if w := runewidth.StringWidth(line); w > 80 {
				t.Errorf("%s: Long line %d is %d columns:\n%s", c.CommandPath(), i+1, w, line)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
