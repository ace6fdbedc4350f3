package output

import (
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
	"golang.org/x/term"
)

// DefaultWidth is the width tables fit when the terminal's is unknown
// (a pipe, a file, CI logs): the classic 80 columns.
const DefaultWidth = 80

// minColumn is the narrowest a column is squeezed to.
const minColumn = 6

// Unwrapper is a writer that wraps another; Width looks through it.
type Unwrapper interface{ Unwrap() io.Writer }

// Width is the number of columns a table written to w may use: the
// terminal's when w is one (looking through Unwrapper), else $COLUMNS when
// set, else DefaultWidth.
func Width(w io.Writer) int {
	for {
		u, ok := w.(Unwrapper)
		if !ok {
			break
		}
		w = u.Unwrap()
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return cols
		}
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return DefaultWidth
}

// Fit wraps the cells of a table so that, drawn with a box border
// ("│ a │ b │": 3 columns per cell plus 1), no line is wider than width.
// Columns that already fit keep their width; the others share what is
// left, and their cells are wrapped at spaces (a word longer than its
// column is broken). Cells keep their own line breaks. Full texts belong in
// -o json; a table is for reading.
func Fit(width int, header []string, rows [][]string) ([]string, [][]string) {
	n := len(header)
	widths := columnWidths(width, header, rows)
	wrapRow := func(r []string) []string {
		out := make([]string, len(r))
		for c, cell := range r {
			if c < n {
				out[c] = wrapCell(cell, widths[c])
			} else {
				out[c] = cell
			}
		}
		return out
	}
	fitted := make([][]string, len(rows))
	for i, r := range rows {
		fitted[i] = wrapRow(r)
	}
	return wrapRow(header), fitted
}

// columnWidths is the width Fit gives each column of a table drawn in
// width columns.
func columnWidths(width int, header []string, rows [][]string) []int {
	n := len(header)
	natural := make([]int, n)
	for c := range n {
		natural[c] = cellWidth(header[c])
		for _, r := range rows {
			if c < len(r) {
				natural[c] = max(natural[c], cellWidth(r[c]))
			}
		}
	}
	return allot(width-(3*n+1), natural, atomicColumns(header, rows))
}

// minProse is the narrowest a prose column may get so that token columns
// (ids, names, times) can stay whole.
const minProse = 16

// atomicColumns marks the columns whose cells hold no space: ids, names,
// timestamps, which read badly when broken.
func atomicColumns(header []string, rows [][]string) []bool {
	atomic := make([]bool, len(header))
	for c := range header {
		atomic[c] = true
		for _, r := range rows {
			if c < len(r) && strings.ContainsAny(strings.TrimSpace(r[c]), " \n") {
				atomic[c] = false
				break
			}
		}
	}
	return atomic
}

// allot keeps token columns whole when the prose columns can still get
// minProse each from what is left; otherwise every column shares.
func allot(budget int, natural []int, atomic []bool) []int {
	left, prose := budget, []int{}
	for c, w := range natural {
		if atomic[c] {
			left -= w
		} else {
			prose = append(prose, c)
		}
	}
	if len(prose) == 0 || left < len(prose)*minProse {
		return share(budget, natural)
	}
	proseNatural := make([]int, len(prose))
	for i, c := range prose {
		proseNatural[i] = natural[c]
	}
	proseWidths := share(left, proseNatural)
	widths := append([]int(nil), natural...)
	for i, c := range prose {
		widths[c] = proseWidths[i]
	}
	return widths
}

// share gives each column its natural width when all fit in budget;
// otherwise the narrow ones keep theirs and the wide ones split the rest
// evenly (water-filling), never below minColumn.
func share(budget int, natural []int) []int {
	widths := append([]int(nil), natural...)
	total := 0
	for _, w := range natural {
		total += w
	}
	if total <= budget {
		return widths
	}
	open := make([]bool, len(natural))
	for i := range open {
		open[i] = true
	}
	left, count := budget, len(natural)
	for changed := true; changed && count > 0; {
		changed = false
		fair := left / count
		for i, w := range natural {
			if open[i] && w <= fair {
				open[i], widths[i] = false, w
				left -= w
				count--
				changed = true
			}
		}
	}
	if count == 0 {
		return widths
	}
	fair, extra := left/count, left%count
	for i := range natural {
		if open[i] {
			widths[i] = max(minColumn, fair)
			if extra > 0 {
				widths[i]++
				extra--
			}
		}
	}
	return widths
}

func cellWidth(s string) int {
	w := 0
	for _, line := range strings.Split(s, "\n") {
		w = max(w, runewidth.StringWidth(line))
	}
	return w
}

// wrapCell wraps each line of s at spaces into lines of at most width
// display columns, breaking words that are longer.
func wrapCell(s string, width int) string {
	if cellWidth(s) <= width {
		return s
	}
	var out []string
	for _, line := range strings.Split(s, "\n") {
		out = append(out, wrapLine(line, width)...)
	}
	return strings.Join(out, "\n")
}

func wrapLine(line string, width int) []string {
	var lines []string
	cur, curW := "", 0
	flush := func() {
		lines = append(lines, cur)
		cur, curW = "", 0
	}
	for _, word := range units(line) {
		ww := runewidth.StringWidth(word)
		if curW > 0 && curW+1+ww <= width {
			cur += " " + word
			curW += 1 + ww
			continue
		}
		if curW > 0 {
			flush()
		}
		for ww > width { // break a long word (URLs, ids, paths)
			head := runewidth.Truncate(word, width, "")
			if head == "" { // a single character wider than the column
				_, size := utf8.DecodeRuneInString(word)
				head = word[:size]
			}
			// Prefer to break after a separator (uuid-parts, path/segments)
			// when that does not waste more than half the column.
			if i := strings.LastIndexAny(head, "-/_.:,;&?="); i >= len(head)/2 && i < len(head)-1 {
				head = head[:i+1]
			}
			lines = append(lines, head)
			word = word[len(head):]
			ww = runewidth.StringWidth(word)
		}
		cur, curW = word, ww
	}
	if curW > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// units splits line into the pieces wrapping may put on separate lines:
// words, except that a comparison operator holds on to its neighbours, so
// "max(cpu.idle_perc{hostname=c1}) >= 0" stays one piece.
func units(line string) []string {
	words := strings.Fields(line)
	var out []string
	glue := false
	for _, w := range words {
		op := strings.Trim(w, "<>=!") == ""
		if len(out) > 0 && (op || glue) {
			out[len(out)-1] += " " + w
		} else {
			out = append(out, w)
		}
		glue = op
	}
	return out
}

// wholeUnits reports whether every unit of every line of cell fits in
// width columns, so that wrapping needs no word broken.
func wholeUnits(cell string, width int) bool {
	for _, line := range strings.Split(cell, "\n") {
		for _, u := range units(line) {
			if runewidth.StringWidth(u) > width {
				return false
			}
		}
	}
	return true
}

// wrapWhole wraps line at unit boundaries to width; a unit wider than
// width (a URL, an id, an expression) goes whole on a line of its own.
func wrapWhole(line string, width int) []string {
	var lines []string
	cur, curW := "", 0
	for _, u := range units(line) {
		uw := runewidth.StringWidth(u)
		if curW > 0 && curW+1+uw > width {
			lines = append(lines, cur)
			cur, curW = "", 0
		}
		if curW > 0 {
			cur += " "
			curW++
		}
		cur += u
		curW += uw
	}
	return append(lines, cur)
}
