package api

import (
	"math/big"
	"strings"
	"testing"
)

func TestPyInt(t *testing.T) {
	// The want column is what CPython 3.11's int() said.
	cases := map[string]string{
		"60": "60", " 60 ": "60", "+60": "60", "-60": "-60", "0060": "60", "6_0": "60", "٦٠": "60",
		"６０": "60", "\u00a060\u2003": "60", "\t\n60\x1c": "", "\t\n\v\f\r60\u0085": "60", "1_000_000": "1000000", "𝟔𝟎": "60",
		"6__0": "", "_60": "", "60_": "", "6 0": "", "": "", " ": "", "- 60": "", "0x10": "", "60.0": "", "+-1": "", "Ⅵ": "", "²": "",
	}
	for in, want := range cases {
		n, ok := pyInt(in)
		got := ""
		if ok {
			got = n.String()
		}
		if got != want {
			t.Errorf("pyInt(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzPyInt: on ASCII digits pyInt is big.Int's decimal parse, and every
// script's digits read the same as ASCII ones.
func FuzzPyInt(f *testing.F) {
	for _, s := range []string{"60", "-1", "007", "1_0", "x"} {
		f.Add(s)
	}
	arabic := strings.NewReplacer("0", "٠", "1", "١", "2", "٢", "3", "٣", "4", "٤", "5", "٥", "6", "٦", "7", "٧", "8", "٨", "9", "٩")
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := pyInt(s)
		m, ok2 := pyInt(arabic.Replace(s))
		if ok != ok2 || (ok && n.Cmp(m) != 0) {
			t.Fatalf("pyInt(%q) = %v %v but with Arabic-Indic digits %v %v", s, n, ok, m, ok2)
		}
		if strings.Trim(s, "0123456789") == "" && s != "" && len(s) <= 4300 {
			want, _ := new(big.Int).SetString(s, 10)
			if !ok || n.Cmp(want) != 0 {
				t.Fatalf("pyInt(%q) = %v %v, want %v", s, n, ok, want)
			}
		}
	})
}

func TestPyUpper(t *testing.T) {
	for in, want := range map[string]string{"webhook": "WEBHOOK", "emaıl": "EMAIL", "ß": "SS", "ﬁ": "FI", "é": "É"} {
		if got := pyUpper(in); got != want {
			t.Errorf("pyUpper(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzURLSplit: urlsplit never panics, and a network location it reports
// follows "//" in the cleaned address.
func FuzzURLSplit(f *testing.F) {
	for _, s := range []string{"http://h/x", " \x01http://[::1]:80/", "ht\ttp://[v1.x]/", "http://a[::1]", "http://\u2100/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := pyURLSplit(s)
		if err != nil || u.netloc == "" {
			return
		}
		clean := strings.NewReplacer("\t", "", "\r", "", "\n", "").Replace(s)
		if !strings.Contains(clean, "//"+u.netloc) {
			t.Fatalf("netloc %q not in %q", u.netloc, s)
		}
	})
}

func TestPyBytesRepr(t *testing.T) {
	// The want column is repr(s.encode('utf8')) from CPython.
	for in, want := range map[string]string{"urgent": `b'urgent'`, "é": `b'\xc3\xa9'`, "it's": `b"it's"`, "a\tb\\": `b'a\tb\\'`} {
		if got := pyBytesRepr(in); got != want {
			t.Errorf("pyBytesRepr(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestFormUnescape(t *testing.T) {
	// The want column is falcon.uri.decode(s, unquote_plus=True).
	for in, want := range map[string]string{
		"a+b": "a b", "%ZZ%C3%A9%FF%FF": "%ZZé\uFFFD\uFFFD", "%41%4": "A%4", "%e2%82": "\uFFFD", "x%2By": "x+y", "%%41": "%A",
	} {
		if got := formUnescape(in); got != want {
			t.Errorf("formUnescape(%q) = %q, want %q", in, got, want)
		}
	}
}
