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

func TestTableWrapsLongCells(t *testing.T) {
	var b bytes.Buffer
	tb := output.NewTable(&b, "DETAIL")
	if err := tb.Append(strings.Repeat("word ", 40)); err != nil {
		t.Fatal(err)
	}
	if err := tb.Render(); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if n := len([]rune(line)); n > output.CellWidth+4 {
			t.Fatalf("line of %d runes, want at most %d:\n%s", n, output.CellWidth+4, b.String())
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
