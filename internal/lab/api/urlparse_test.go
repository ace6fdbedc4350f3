package api

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
)

// TestURLSplitMatchesCPython replays testdata/urlsplit.jsonl: generated
// addresses (schemes, brackets, IPv4 and IPv6 hosts, IPvFuture, controls,
// characters NFKC maps onto / ? # @ :) and what CPython's
// urllib.parse.urlsplit, with its current security checks, made of them.
func TestURLSplitMatchesCPython(t *testing.T) {
	f, err := os.Open("testdata/urlsplit.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		var c struct {
			URL, Scheme, Netloc string
			OK                  bool
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		n++
		u, err := pyURLSplit(c.URL)
		switch {
		case (err == nil) != c.OK:
			t.Errorf("%q: error %v, CPython ok=%v", c.URL, err, c.OK)
		case c.OK && (u.scheme != c.Scheme || u.netloc != c.Netloc):
			t.Errorf("%q: scheme %q netloc %q, CPython %q %q", c.URL, u.scheme, u.netloc, c.Scheme, c.Netloc)
		}
	}
	if n < 1000 {
		t.Fatalf("only %d cases", n)
	}
}
