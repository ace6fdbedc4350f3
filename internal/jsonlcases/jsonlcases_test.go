package jsonlcases

import (
	"os"
	"path/filepath"
	"testing"
)

type kv struct {
	K string
	V int
}

func TestLoadDecodesEveryLineInOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.jsonl")
	if err := os.WriteFile(path, []byte("{\"K\":\"a\",\"V\":1}\n{\"K\":\"b\",\"V\":2}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got := Load[kv](t, path)
	if len(got) != 2 || got[0] != (kv{"a", 1}) || got[1] != (kv{"b", 2}) {
		t.Fatalf("Load = %+v", got)
	}
}
