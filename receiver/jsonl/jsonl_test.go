package jsonl

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func countLines(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if !json.Valid(sc.Bytes()) {
			t.Fatalf("%s: invalid JSON line %q", path, sc.Text())
		}
		n++
	}
	return n
}

func TestConcurrentWritesAreAllKeptAcrossRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.jsonl")
	w, err := Open(path, Options{MaxSize: 2000, Keep: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 100 {
				if err := w.Encode(map[string]any{"g": g, "i": i, "pad": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	total := countLines(t, path)
	files := 1
	for i := 1; ; i++ {
		p := fmt.Sprintf("%s.%d", path, i)
		if _, err := os.Stat(p); err != nil {
			break
		}
		st, _ := os.Stat(p)
		if st.Size() > 2000 {
			t.Errorf("%s is %d bytes, over MaxSize", p, st.Size())
		}
		total += countLines(t, p)
		files++
	}
	if total != 800 || w.Lines() != 800 {
		t.Fatalf("lines on disk %d, counted %d, want 800", total, w.Lines())
	}
	if files < 3 {
		t.Fatalf("only %d files: rotation did not happen", files)
	}
}

func TestRotationKeepsOnlyKeepFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d.jsonl")
	w, err := Open(path, Options{MaxSize: 10, Keep: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := w.Write(fmt.Appendf(nil, `{"n":%d}`, i)); err != nil { // 8 bytes + newline: one per file
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Fatalf("files = %v, want d.jsonl, d.jsonl.1, d.jsonl.2", entries)
	}
	for name, want := range map[string]string{"d.jsonl": `{"n":4}`, "d.jsonl.1": `{"n":3}`, "d.jsonl.2": `{"n":2}`} {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		if string(b) != want+"\n" {
			t.Errorf("%s = %q, want %q", name, b, want)
		}
	}
}

func TestOpenAppendsToAnExistingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.jsonl")
	os.WriteFile(path, []byte("{\"old\":1}\n"), 0o600)
	w, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`{"new":1}`))
	w.Close()
	if n := countLines(t, path); n != 2 {
		t.Fatalf("lines = %d, want 2", n)
	}
}

func TestWriteIsInTheFileWhenItReturnsAndCloseRejectsWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.jsonl")
	w, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := w.Write([]byte(`{"a":1}`)); err != nil {
			t.Fatal(err)
		}
		// No Flush, no Close: what a kill -9 right now would leave.
		if n := countLines(t, path); n != i+1 {
			t.Fatalf("after %d writes the file holds %d lines", i+1, n)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]byte(`{}`)); err != ErrClosed {
		t.Fatalf("write after close = %v", err)
	}
	if err := w.Write([]byte("{\n}")); err == nil {
		t.Fatal("multi-line record accepted")
	}
}
