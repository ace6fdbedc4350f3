package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWritesAPagePerCommandAndTheThreeCompletions: every command the binary
// has gets a page, the pages carry the given date (not the build's), and
// each shell's script is written under the name its shell looks for.
func TestWritesAPagePerCommandAndTheThreeCompletions(t *testing.T) {
	dir := t.TempDir()
	when := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	if err := run(filepath.Join(dir, "man"), filepath.Join(dir, "completions"), when); err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"monhook.1", "monhook-check.1", "monhook-serve.1", "monhook-completion-bash.1"} {
		b, err := os.ReadFile(filepath.Join(dir, "man", "man1", page))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `.TH "MONHOOK" "1" "Dec 2026"`) {
			t.Errorf("%s: no header dated Dec 2026:\n%.200s", page, b)
		}
	}
	for file, want := range map[string]string{
		"monhook.bash": "__start_monhook",
		"_monhook":     "#compdef monhook",
		"monhook.fish": "complete -c monhook",
	} {
		b, err := os.ReadFile(filepath.Join(dir, "completions", file))
		if err != nil || !strings.Contains(string(b), want) {
			t.Errorf("%s: %v, lacks %q", file, err, want)
		}
	}
}

// TestSameDateSameBytes: two runs for one commit write identical pages, so
// the release archives are reproducible.
func TestSameDateSameBytes(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	when := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	for _, d := range []string{a, b} {
		if err := run(d, "", when); err != nil {
			t.Fatal(err)
		}
	}
	x, _ := os.ReadFile(filepath.Join(a, "man1", "monhook-check.1"))
	y, _ := os.ReadFile(filepath.Join(b, "man1", "monhook-check.1"))
	if len(x) == 0 || string(x) != string(y) {
		t.Errorf("two runs differ (or are empty): %d vs %d bytes", len(x), len(y))
	}
}
