package output

import (
	"fmt"
	"io"
	"strings"
	"unicode"

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

// Render fits the cells to the width and draws the table.
func (t *TableWriter) Render() error {
	header := terminalSafe(t.header)
	rows := make([][]string, len(t.rows))
	for i, r := range t.rows {
		rows[i] = terminalSafe(r)
	}
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
// same width, indenting continuation lines by indent spaces.
func WrapText(w io.Writer, text string, indent int) string {
	width := Width(w)
	lines := strings.Split(wrapCell(text, max(width-indent, minColumn)), "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = strings.Repeat(" ", indent) + lines[i]
	}
	// The first line has no indent: let it use the indent's room too.
	return strings.Join(lines, "\n")
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
