// Package jsonlcases reads the recorded test cases kept as JSON Lines under
// testdata (what CPython or upstream Monasca made of generated inputs): one
// copy of the open-scan-decode loop the replay tests share.
package jsonlcases

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
)

// maxLine is the longest case line read; recorded bodies can be long.
const maxLine = 1 << 20

// Load decodes every line of path into a T, failing the test when the file
// cannot be read or a line is not a T.
func Load[T any](t testing.TB, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, maxLine)
	for line := 1; sc.Scan(); line++ {
		var c T
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}
