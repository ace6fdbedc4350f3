package api

import (
	"testing"

	"github.com/monhook/monhook/internal/jsonlcases"
)

// TestURLSplitMatchesCPython replays testdata/urlsplit.jsonl: generated
// addresses (schemes, brackets, IPv4 and IPv6 hosts, IPvFuture, controls,
// characters NFKC maps onto / ? # @ :) and what CPython's
// urllib.parse.urlsplit, with its current security checks, made of them.
func TestURLSplitMatchesCPython(t *testing.T) {
	type urlsplitCase struct {
		URL, Scheme, Netloc string
		OK                  bool
	}
	cases := jsonlcases.Load[urlsplitCase](t, "testdata/urlsplit.jsonl")
	for _, c := range cases {
		u, err := pyURLSplit(c.URL)
		switch {
		case (err == nil) != c.OK:
			t.Errorf("%q: error %v, CPython ok=%v", c.URL, err, c.OK)
		case c.OK && (u.scheme != c.Scheme || u.netloc != c.Netloc):
			t.Errorf("%q: scheme %q netloc %q, CPython %q %q", c.URL, u.scheme, u.netloc, c.Scheme, c.Netloc)
		}
	}
	if len(cases) < 1000 {
		t.Fatalf("only %d cases", len(cases))
	}
}
