package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/monhook/monhook/output"
)

// Help and usage are laid out here for every command, so that a flag or a
// Long text added anywhere fits the terminal (output.Width: the terminal's
// width, else $COLUMNS, else 80) without each command minding it. cobra's
// default layout pads and never wraps; pflag wraps flag usages when asked
// (FlagUsagesWrapped) and prose is wrapped at spaces, so ids, URLs and
// flag names stay whole.

// annotationNoCloud marks a command (and its subcommands) that never talks
// to a cloud: its help leaves out the OpenStack flags, and giving one is
// warned about (see warnCloudFlagsUnused).
const annotationNoCloud = "monhook/no-cloud"

// installHelpLayout sets the help and usage functions on root; subcommands
// inherit them.
func installHelpLayout(root *cobra.Command) {
	root.SetUsageFunc(func(c *cobra.Command) error {
		writeUsage(c.OutOrStderr(), c)
		return nil
	})
	root.SetHelpFunc(func(c *cobra.Command, _ []string) {
		w := c.OutOrStdout()
		text := strings.TrimRight(c.Long, " \t\n")
		if text == "" {
			text = c.Short
		}
		if text != "" {
			fmt.Fprintln(w, wrapProse(text, output.Width(w)))
			fmt.Fprintln(w)
		}
		if c.Runnable() || c.HasSubCommands() {
			writeUsage(w, c)
		}
	})
}

// writeUsage is cobra's usage layout (defaultUsageFunc), wrapped to the
// width of w.
func writeUsage(w io.Writer, c *cobra.Command) {
	width := output.Width(w)
	var b strings.Builder
	b.WriteString("Usage:")
	if c.Runnable() {
		b.WriteString("\n" + wrapHanging("  "+c.UseLine(), width, 4))
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n  " + c.CommandPath() + " [command]")
	}
	if len(c.Aliases) > 0 {
		b.WriteString("\n\nAliases:\n  " + c.NameAndAliases())
	}
	if c.HasExample() {
		b.WriteString("\n\nExamples:\n" + wrapExamples(c.Example, width))
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n\nAvailable Commands:")
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() || sub.Name() == "help" {
				b.WriteString("\n" + commandLine(sub.Name(), sub.NamePadding(), sub.Short, width))
			}
		}
	}
	if c.HasAvailableLocalFlags() {
		b.WriteString("\n\nFlags:\n")
		b.WriteString(strings.TrimRight(c.LocalFlags().FlagUsagesWrapped(width), " \n"))
	}
	if inherited := visibleInheritedFlags(c); inherited.HasAvailableFlags() {
		b.WriteString("\n\nGlobal Flags:\n")
		b.WriteString(strings.TrimRight(inherited.FlagUsagesWrapped(width), " \n"))
	}
	if c.HasHelpSubCommands() {
		b.WriteString("\n\nAdditional help topics:")
		for _, sub := range c.Commands() {
			if sub.IsAdditionalHelpTopicCommand() {
				b.WriteString("\n" + commandLine(sub.CommandPath(), sub.CommandPathPadding(), sub.Short, width))
			}
		}
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n\n" + wrapProse(fmt.Sprintf("Use \"%s [command] --help\" for more information about a command.", c.CommandPath()), width))
	}
	fmt.Fprintln(w, b.String())
}

// commandLine is "  name   short", the short text wrapped under itself.
func commandLine(name string, pad int, short string, width int) string {
	head := "  " + name + strings.Repeat(" ", max(pad-runewidth.StringWidth(name), 0)) + " "
	return wrapHanging(head+short, width, runewidth.StringWidth(head))
}

// visibleInheritedFlags are the global flags that mean something to c: a
// command marked annotationNoCloud does not list the OpenStack ones.
func visibleInheritedFlags(c *cobra.Command) *pflag.FlagSet {
	all := c.InheritedFlags()
	if !noCloud(c) {
		return all
	}
	fs := pflag.NewFlagSet(c.Name(), pflag.ContinueOnError)
	all.VisitAll(func(fl *pflag.Flag) {
		if !isOpenStackFlag(fl.Name) {
			fs.AddFlag(fl)
		}
	})
	return fs
}

// noCloud reports whether c or one of its parents is marked
// annotationNoCloud; cobra's own help and completion commands never use
// a cloud either.
func noCloud(c *cobra.Command) bool {
	for p := c; p != nil; p = p.Parent() {
		if _, ok := p.Annotations[annotationNoCloud]; ok {
			return true
		}
		if p.HasParent() && !p.Parent().HasParent() && (p.Name() == "help" || p.Name() == "completion" || p.Name() == cobra.ShellCompRequestCmd || p.Name() == cobra.ShellCompNoDescRequestCmd) {
			return true
		}
	}
	return false
}

// warnCloudFlagsUnused warns when an OpenStack flag is given on the command
// line to a command that never talks to a cloud, the way the other
// ineffective flags are warned about (warn.go).
func warnCloudFlagsUnused(io *IOStreams, c *cobra.Command) {
	if !noCloud(c) {
		return
	}
	var given []string
	c.Flags().Visit(func(fl *pflag.Flag) {
		if isOpenStackFlag(fl.Name) {
			given = append(given, "--"+fl.Name)
		}
	})
	if len(given) > 0 {
		warnf(io, "%s ignored: %s does not talk to a cloud", strings.Join(given, ", "), c.CommandPath())
	}
}

// wrapProse wraps every line of text longer than width at spaces; a
// continuation keeps the line's indentation, and list items ("- ", "* ")
// and "name   text" rows hang under their text. Words are never broken.
func wrapProse(text string, width int) string {
	lines := reflow(strings.Split(text, "\n"), width)
	out := make([]string, 0, len(lines))
	for _, line := range lines {
		out = append(out, wrapHanging(line, width, hangingIndent(line)))
	}
	return strings.Join(out, "\n")
}

// reflow joins the lines of a plain paragraph (unindented lines, none a
// heading ending in ":") when one of them is wider than width, so that
// text hard-wrapped for a wider screen is wrapped again as a whole rather
// than leaving a stub on every line.
func reflow(lines []string, width int) []string {
	plain := func(l string) bool {
		return l != "" && !strings.HasPrefix(l, " ") && !strings.HasPrefix(l, "- ") && !strings.HasPrefix(l, "* ")
	}
	var out []string
	for i := 0; i < len(lines); {
		if !plain(lines[i]) {
			out = append(out, lines[i])
			i++
			continue
		}
		j, wide := i, false
		for j < len(lines) && plain(lines[j]) {
			wide = wide || runewidth.StringWidth(lines[j]) > width
			j++
			if strings.HasSuffix(lines[j-1], ":") {
				break
			}
		}
		if wide {
			out = append(out, strings.Join(lines[i:j], " "))
		} else {
			out = append(out, lines[i:j]...)
		}
		i = j
	}
	return out
}

// hangingIndent is where the continuation of line starts: under the text
// of a list item or of the second column of an aligned row, else under
// the line's own indentation.
func hangingIndent(line string) int {
	trimmed := strings.TrimLeft(line, " ")
	indent := len(line) - len(trimmed)
	if strings.HasPrefix(trimmed, "- ") || strings.HasPrefix(trimmed, "* ") {
		return indent + 2
	}
	// An aligned row: a first column, then two or more spaces.
	if i := strings.Index(trimmed, "   "); i > 0 && !strings.Contains(trimmed[:i], "  ") {
		j := i
		for j < len(trimmed) && trimmed[j] == ' ' {
			j++
		}
		if j < len(trimmed) {
			return indent + runewidth.StringWidth(trimmed[:j])
		}
	}
	return indent
}

// wrapHanging wraps one line at spaces to width, indenting continuations
// by indent columns. A word longer than the room stays whole on its own
// line.
func wrapHanging(line string, width, indent int) string {
	if runewidth.StringWidth(line) <= width {
		return line
	}
	if indent > width/2 {
		indent = 4
	}
	// The head (indentation, a list marker, an aligned first column) is
	// kept as written; the rest is re-flowed.
	head := line[:len(line)-len(strings.TrimLeft(line, " "))]
	if indent > len(head) && indent < len(line) && runewidth.StringWidth(line[:indent]) == indent {
		head = line[:indent]
	}
	words := strings.Fields(line[len(head):])
	var b strings.Builder
	b.WriteString(head)
	col := runewidth.StringWidth(head)
	start := col
	for _, word := range words {
		ww := runewidth.StringWidth(word)
		if col > start && col+1+ww > width {
			b.WriteString("\n" + strings.Repeat(" ", indent))
			col, start = indent, indent
		}
		if col > start {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += ww
	}
	return b.String()
}

// wrapExamples wraps command lines too wide for the terminal the way a
// shell reads them, with a backslash at each break, so a copied example
// still runs; a trailing "# comment" goes on its own line above.
func wrapExamples(text string, width int) string {
	lines := strings.Split(text, "\n")
	var out []string
	for _, line := range lines {
		if runewidth.StringWidth(line) <= width {
			out = append(out, line)
			continue
		}
		lead := line[:len(line)-len(strings.TrimLeft(line, " "))]
		command, comment, _ := strings.Cut(strings.TrimSpace(line), " #")
		if comment != "" {
			out = append(out, wrapHanging(lead+"#"+comment, width, len(lead)+2))
		}
		cur := lead
		for _, word := range strings.Fields(command) {
			if strings.TrimSpace(cur) != "" && runewidth.StringWidth(cur)+1+runewidth.StringWidth(word)+2 > width {
				out = append(out, cur+" \\")
				cur = lead + "    " + word
				continue
			}
			if strings.TrimSpace(cur) != "" {
				cur += " "
			}
			cur += word
		}
		out = append(out, cur)
	}
	return strings.Join(out, "\n")
}
