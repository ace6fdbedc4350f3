package output_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/monhook/monhook/output"
)

type doc struct {
	Name  string `json:"name" yaml:"name"`
	Arrow string `json:"arrow" yaml:"arrow"`
}

func TestPrintWritesJSONAndYAMLWithTheSameKeys(t *testing.T) {
	v := []doc{{Name: "a", Arrow: "OK -> ALARM"}}
	for _, tc := range []struct{ format, want string }{
		// HTML stays unescaped: the arrow is readable.
		{output.JSON, "[\n  {\n    \"name\": \"a\",\n    \"arrow\": \"OK -> ALARM\"\n  }\n]\n"},
		{output.YAML, "- name: a\n  arrow: OK -> ALARM\n"},
	} {
		var b bytes.Buffer
		err := output.Print(&b, tc.format, v, func(io.Writer) error { return errors.New("table drawn") })
		if err != nil || b.String() != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.format, b.String(), err, tc.want)
		}
	}
}

func TestPrintDrawsTheTableForTheTableFormat(t *testing.T) {
	var b bytes.Buffer
	err := output.Print(&b, output.Table, nil, func(w io.Writer) error {
		tb := output.NewTable(w, "NAME", "DETAIL")
		if err := tb.Append("a", "bell\a here"); err != nil {
			return err
		}
		return tb.Render()
	})
	if err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if !strings.Contains(got, "│ NAME │") || strings.Contains(got, "\a") || !strings.Contains(got, "bell\uFFFD here") {
		t.Errorf("table:\n%s", got)
	}
}

// TestTableFitsTheWidth: the bar, on 80 columns no line is wider
// than 80 (long error bodies), ids and URLs are never split, and the text
// is all there.
func TestTableFitsTheWidth(t *testing.T) {
	t.Setenv("COLUMNS", "80")
	var b bytes.Buffer
	tb := output.NewTable(&b, "KIND", "ID", "RESULT")
	long := "FAILED: Successfully re-authenticated, but got error executing request: Expected HTTP response code [204] when accessing [DELETE http://monasca.example:8070/v2.0/notification-methods/0f3c2b7e-aaaa-bbbb-cccc-1234567890ab], but got 401 instead"
	if err := tb.Append("notification-method", "0f3c2b7e-aaaa-bbbb-cccc-1234567890ab", long); err != nil {
		t.Fatal(err)
	}
	if err := tb.Render(); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		// Only a single token wider than the line itself (a URL quoted
		// in an API error) may pass the width: it is not split, so it can
		// be copied.
		if n := len([]rune(line)); n > 80 && strings.Contains(strings.TrimSpace(line), " ") {
			t.Fatalf("line of %d runes:\n%s", n, b.String())
		}
	}
	// With room for prose beside it, an id stays whole.
	b.Reset()
	tb = output.NewTable(&b, "ID", "RESULT")
	_ = tb.Append("0f3c2b7e-aaaa-bbbb-cccc-1234567890ab", long)
	_ = tb.Render()
	if !strings.Contains(b.String(), "0f3c2b7e-aaaa-bbbb-cccc-1234567890ab") {
		t.Errorf("the id was broken although the prose could wrap:\n%s", b.String())
	}
	tb = output.NewTable(&b, "DETAIL")
	tb.SetWidth(30)
	b.Reset()
	_ = tb.Append(strings.Repeat("word ", 40))
	_ = tb.Render()
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if n := len([]rune(line)); n > 30 {
			t.Fatalf("SetWidth(30): line of %d runes:\n%s", n, b.String())
		}
	}
}

func TestWrapTextIndentsContinuations(t *testing.T) {
	t.Setenv("COLUMNS", "40")
	got := output.WrapText(&bytes.Buffer{}, "hint (preflight): "+strings.Repeat("word ", 20), 2)
	for i, line := range strings.Split(got, "\n") {
		if len(line) > 40 || (i > 0 && !strings.HasPrefix(line, "  ")) {
			t.Errorf("line %d %q", i, line)
		}
	}
}

func TestCheckFormatNamesTheChoices(t *testing.T) {
	for _, f := range output.Formats {
		if err := output.CheckFormat(f); err != nil {
			t.Errorf("CheckFormat(%q) = %v", f, err)
		}
	}
	if err := output.CheckFormat("xml"); err == nil || !strings.Contains(err.Error(), "table, json, yaml") {
		t.Errorf("CheckFormat(xml) = %v", err)
	}
}
