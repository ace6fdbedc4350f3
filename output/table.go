package output

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/mattn/go-runewidth"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// TableWriter is a table in the house style that fits its writer's width: rows
// are collected, then Render wraps the cells (see Fit) and draws them. It is
// the only tablewriter configuration in monhook: change the look of every
// table here.
type TableWriter struct {
	w      io.Writer
	width  int
	header []string
	rows   [][]string
}

// NewTable returns a table with header that fits Width(w) columns.
func NewTable(w io.Writer, header ...any) *TableWriter {
	return &TableWriter{w: w, width: Width(w), header: strs(header)}
}

// SetWidth overrides the width the table fits (tests, known layouts).
func (t *TableWriter) SetWidth(width int) { t.width = width }

// Append adds a row; cells are printed with %v.
func (t *TableWriter) Append(cells ...any) error {
	t.rows = append(t.rows, strs(cells))
	return nil
}

// Render fits the cells to the width and draws the table. Prose is wrapped
// at spaces, but an id, a URL or an expression is never split, since
// people copy them: when one does not fit its column, the last column
// moves below the table as a details list keyed by the first column (as
// kubectl and gh keep tables narrow), and when even that does not fit,
// each row is printed as a block of "HEADER  value" lines.
func (t *TableWriter) Render() error {
	header := terminalSafe(t.header)
	rows := make([][]string, len(t.rows))
	for i, r := range t.rows {
		rows[i] = terminalSafe(r)
	}
	if fitsWhole(t.width, header, rows) {
		return t.draw(header, rows)
	}
	if last := len(header) - 1; last > 0 && distinct(rows, 0) {
		short := make([][]string, len(rows))
		for i, r := range rows {
			short[i] = r[:min(last, len(r))]
		}
		if fitsWhole(t.width, header[:last], short) {
			if err := t.draw(header[:last], short); err != nil {
				return err
			}
			return t.details(header[last], header[0], rows)
		}
	}
	return t.records(header, rows)
}

// fitsWhole reports whether the table fits width with every cell wrapped at
// spaces only.
func fitsWhole(width int, header []string, rows [][]string) bool {
	widths := columnWidths(width, header, rows)
	total := 3*len(header) + 1
	for c, w := range widths {
		total += w
		if !wholeUnits(header[c], w) {
			return false
		}
		for _, r := range rows {
			if c < len(r) && !wholeUnits(r[c], w) {
				return false
			}
		}
	}
	return total <= width
}

// distinct reports whether column c tells the rows apart, so it can key
// a details list.
func distinct(rows [][]string, c int) bool {
	seen := map[string]bool{}
	for _, r := range rows {
		if c >= len(r) || seen[r[c]] {
			return false
		}
		seen[r[c]] = true
	}
	return true
}

// details prints the last column below the table: "key: text", wrapped
// with continuation lines indented, units whole.
func (t *TableWriter) details(title, key string, rows [][]string) error {
	var b strings.Builder
	b.WriteString(strings.ToLower(title) + " (by " + strings.ToLower(key) + "):\n")
	for _, r := range rows {
		text := strings.TrimSpace(r[len(r)-1])
		if len(r) < 2 || text == "" || text == "-" {
			continue
		}
		for i, line := range strings.Split(text, "\n") {
			if i == 0 {
				line = r[0] + ": " + line
			}
			for j, l := range wrapWhole(line, t.width-4) {
				if i == 0 && j == 0 {
					b.WriteString("  " + l + "\n")
				} else {
					b.WriteString("    " + l + "\n")
				}
			}
		}
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}

// records prints each row as a block of "HEADER  value" lines, a blank
// line between rows: the layout for rows whose tokens alone are wider than
// the terminal.
func (t *TableWriter) records(header []string, rows [][]string) error {
	label := 0
	for _, h := range header {
		label = max(label, runewidth.StringWidth(h))
	}
	var b strings.Builder
	for i, r := range rows {
		if i > 0 {
			b.WriteString("\n")
		}
		for c, h := range header {
			cell := ""
			if c < len(r) {
				cell = r[c]
			}
			pad := strings.Repeat(" ", label-runewidth.StringWidth(h)+2)
			first := true
			for _, line := range strings.Split(cell, "\n") {
				for _, l := range wrapWhole(line, max(t.width-label-2, minColumn)) {
					if first {
						b.WriteString(h + pad + l + "\n")
						first = false
					} else {
						b.WriteString(strings.Repeat(" ", label+2) + l + "\n")
					}
				}
			}
		}
	}
	_, err := io.WriteString(t.w, b.String())
	return err
}

// draw wraps the cells to the width and draws the box.
func (t *TableWriter) draw(header []string, rows [][]string) error {
	header, rows = Fit(t.width, header, rows)
	tb := tablewriter.NewTable(t.w,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		// Fit already wrapped the cells: tablewriter only breaks at "\n".
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
	)
	tb.Header(anys(header)...)
	if err := tb.Bulk(rows); err != nil {
		return err
	}
	return tb.Render()
}

// WrapText wraps prose lines printed around tables (hints, errors) to the
// same width, indenting continuation lines by indent spaces; an id or URL
// longer than a line is kept whole on its own line.
func WrapText(w io.Writer, text string, indent int) string {
	width := Width(w)
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if runewidth.StringWidth(l) <= width {
			lines = append(lines, l)
			continue
		}
		lines = append(lines, wrapWhole(l, max(width-indent, minColumn))...)
	}
	for i := 1; i < len(lines); i++ {
		lines[i] = strings.Repeat(" ", indent) + lines[i]
	}
	// The first line has no indent: let it use the indent's room too.
	return strings.Join(lines, "\n")
}

// WrapField is "label  text" with text wrapped to the width of w and its
// continuation lines under its first: the layout of a key/value listing.
func WrapField(w io.Writer, label string, labelWidth int, text string) string {
	head := label + strings.Repeat(" ", max(labelWidth-runewidth.StringWidth(label), 1))
	room := max(Width(w)-runewidth.StringWidth(head), minColumn)
	lines := wrapWhole(text, room)
	for i := 1; i < len(lines); i++ {
		lines[i] = strings.Repeat(" ", runewidth.StringWidth(head)) + lines[i]
	}
	return head + strings.Join(lines, "\n")
}

func strs(vs []any) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		if s, ok := v.(string); ok {
			out[i] = s
		} else {
			out[i] = fmt.Sprint(v)
		}
	}
	return out
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// terminalSafe replaces control characters in a row (API error bodies end
// up in cells) so they cannot move the cursor or recolour the terminal;
// newlines stay, the cell breaks there.
func terminalSafe(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.Map(func(r rune) rune {
			if r == '\n' || !unicode.IsControl(r) {
				return r
			}
			return '\uFFFD'
		}, c)
	}
	return out
}
