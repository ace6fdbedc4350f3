package output

import (
	"io"
	"strings"
	"unicode"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// CellWidth is where long cells (API error bodies, scenario descriptions)
// wrap, so they stay readable in a terminal instead of stretching the table.
const CellWidth = 72

// NewTable returns a table with header in the house style. It is the only
// tablewriter configuration in monhook: change the look of every table here.
func NewTable(w io.Writer, header ...any) *tablewriter.Table {
	t := tablewriter.NewTable(w,
		tablewriter.WithRowFilter(tw.CellFilter{Global: terminalSafe}),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAutoWrap(tw.WrapNormal),
		tablewriter.WithRowMaxWidth(CellWidth),
	)
	t.Header(header...)
	return t
}

// terminalSafe replaces control characters in a row (API error bodies end
// up in cells) so they cannot move the cursor or recolour the terminal;
// newlines stay, tablewriter breaks the cell there.
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
