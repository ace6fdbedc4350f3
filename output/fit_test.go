package output

import (
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// render draws fitted rows with tablewriter's box, wrapping only at the
// line breaks Fit put in.
func render(t *testing.T, width int, header []string, rows [][]string) string {
	t.Helper()
	h, r := Fit(width, header, rows)
	var b strings.Builder
	tb := tablewriter.NewTable(&b, tablewriter.WithHeaderAutoFormat(tw.Off), tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone))
	tb.Header(anys(h)...)
	for _, row := range r {
		if err := tb.Append(anys(row)...); err != nil {
			t.Fatal(err)
		}
	}
	if err := tb.Render(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func maxLine(s string) int {
	m := 0
	for _, l := range strings.Split(s, "\n") {
		m = max(m, runewidth.StringWidth(l))
	}
	return m
}

func TestFitKeepsEveryLineWithinTheWidth(t *testing.T) {
	reauth := "Successfully re-authenticated, but got error executing request: Expected HTTP response code [204] when accessing [DELETE http://monasca.example:8070/v2.0/notification-methods/0f3c2b7e-aaaa-bbbb-cccc-1234567890ab], but got 401 instead: {\"title\":\"Forbidden\",\"description\":\"The request does not have access to this service\"}"
	header := []string{"STAGE", "STATUS", "DURATION", "DETAIL"}
	rows := [][]string{
		{"notification-method", "ok", "12ms", "created 0f3c2b7e-aaaa-bbbb-cccc-1234567890ab monhook-abcdefgh-webhook-20260102T030405Z → http://10.0.0.5:45678/…abcd"},
		{"teardown", "failed", "1m0s", reauth},
		{"x", "y", "z", "https://" + strings.Repeat("verylong", 20) + ".example.com/path"},
		{"multi", "ok", "1s", "first line\nsecond line that is long enough to need wrapping at eighty columns, surely"},
	}
	for _, width := range []int{80, 60, 120} {
		out := render(t, width, header, rows)
		if got := maxLine(out); got > width {
			t.Errorf("width %d: a line of %d columns:\n%s", width, got, out)
		}
		// Nothing is lost: each fitted cell holds the same text.
		squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
		_, fitted := Fit(width, header, rows)
		for i, r := range rows {
			for c, cell := range r {
				if squash(fitted[i][c]) != squash(cell) {
					t.Errorf("width %d: cell %q became %q", width, cell, fitted[i][c])
				}
			}
		}
	}
}

func TestFitLeavesATableThatFitsAlone(t *testing.T) {
	h, r := Fit(80, []string{"A", "B"}, [][]string{{"short", "cells stay as they are"}})
	if h[1] != "B" || r[0][1] != "cells stay as they are" {
		t.Errorf("Fit changed a fitting table: %q %q", h, r)
	}
}

func TestFitKeepsNarrowColumnsWhole(t *testing.T) {
	_, r := Fit(40, []string{"STATUS", "DETAIL"}, [][]string{{"failed", strings.Repeat("word ", 30)}})
	if r[0][0] != "failed" {
		t.Errorf("narrow column wrapped: %q", r[0][0])
	}
	for _, l := range strings.Split(r[0][1], "\n") {
		if len(l) > 40-7-6 {
			t.Errorf("detail line %q wider than its share", l)
		}
	}
}

func TestWidthFallsBackToCOLUMNSThen80(t *testing.T) {
	var b strings.Builder
	t.Setenv("COLUMNS", "")
	if got := Width(&b); got != DefaultWidth {
		t.Errorf("Width = %d, want %d", got, DefaultWidth)
	}
	t.Setenv("COLUMNS", "132")
	if got := Width(&b); got != 132 {
		t.Errorf("Width with COLUMNS=132 = %d", got)
	}
}
