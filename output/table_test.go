package output

import (
	"regexp"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
)

var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

func renderTable(t *testing.T, width int, header []any, rows ...[]any) string {
	t.Helper()
	var b strings.Builder
	tb := NewTable(&b, header...)
	tb.SetWidth(width)
	for _, r := range rows {
		if err := tb.Append(r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := tb.Render(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// tokensWhole fails when a token is not on one line of out.
func tokensWhole(t *testing.T, out string, tokens ...string) {
	t.Helper()
	for _, tok := range tokens {
		if !strings.Contains(out, tok) {
			t.Errorf("%q is split or missing:\n%s", tok, out)
		}
	}
}

func TestTableMovesADetailColumnBelowRatherThanSplitATokenInIt(t *testing.T) {
	id := "66a4d6b8-a674-4f1d-97f7-b25130107f9c"
	url := "http://127.0.0.1:45153/monitoring/v2.0/"
	expr := "max(monhook.synthetic{monhook_run=gxydwbtb}) > 50"
	out := renderTable(t, 80, []any{"STAGE", "STATUS", "DURATION", "DETAIL"},
		[]any{"auth", "ok", "1.4ms", "token for project f79a4ed8f30955ee77dd236152e062c5; monitoring endpoint " + url},
		[]any{"alarm-definition", "ok", "1.0ms", id + ": " + expr},
		[]any{"delivery", "ok", "0.0ms", ""},
	)
	tokensWhole(t, out, id, url, expr, "f79a4ed8f30955ee77dd236152e062c5")
	if !strings.Contains(out, "detail (by stage):\n  auth: token for project") {
		t.Errorf("no details section keyed by stage:\n%s", out)
	}
	if strings.Contains(out, "delivery:") {
		t.Errorf("an empty detail got a line:\n%s", out)
	}
	for _, l := range strings.Split(out, "\n") {
		if runewidth.StringWidth(l) > 80 {
			t.Errorf("line of %d columns: %q", runewidth.StringWidth(l), l)
		}
	}
}

func TestTableKeepsTheBoxWhenEveryTokenFits(t *testing.T) {
	out := renderTable(t, 80, []any{"STAGE", "DETAIL"}, []any{"auth", "token ok; short words only here"})
	if !strings.Contains(out, "│ auth  │ token ok; short words only here │") {
		t.Errorf("a fitting table was not drawn as a box:\n%s", out)
	}
}

func TestTableOfWideTokensBecomesRecords(t *testing.T) {
	id1, id2 := "2061d476-06b7-45ea-9685-3350562f3de9", "ea214990-17a1-476b-b52b-2578667360b8"
	out := renderTable(t, 80, []any{"KIND", "NAME", "ID", "RESULT"},
		[]any{"notification-method", "monhook-wq3jdxmm-webhook-20261207T031043Z", id1, "deleted"},
		[]any{"notification-method", "monhook-abcdefgh-webhook-20261207T031043Z", id2, "deleted"},
	)
	tokensWhole(t, out, id1, id2, "monhook-wq3jdxmm-webhook-20261207T031043Z")
	if got := len(uuidRE.FindAllString(out, -1)); got != 2 {
		t.Errorf("found %d whole UUIDs, want 2:\n%s", got, out)
	}
	if !strings.Contains(out, "ID      "+id1) {
		t.Errorf("not one labelled line per field:\n%s", out)
	}
}

func TestWrapTextKeepsALongTokenWhole(t *testing.T) {
	t.Setenv("COLUMNS", "40")
	var b strings.Builder
	url := "http://127.0.0.1:45153/monitoring/v2.0/notification-methods"
	got := WrapText(&b, "hint: see "+url+" for the method", 2)
	tokensWhole(t, got, url)
}

func TestUnitsHoldComparisonsTogether(t *testing.T) {
	got := units("alarm max(x{a=b}) >= 0 and y")
	want := []string{"alarm", "max(x{a=b}) >= 0", "and", "y"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("units = %q, want %q", got, want)
	}
}
