package api

import (
	"math/big"
	"strings"
	"unicode"

	"github.com/monhook/monhook/pyjson"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// bigInt is the decoded form of a JSON integer (pyjson yields *big.Int).
type bigInt = big.Int

// pyUpper is Python's str.upper(): full Unicode case mapping, so "ß" is
// "SS" and "ﬁ" is "FI" (Go's strings.ToUpper keeps both).
func pyUpper(s string) string { return upperCaser.String(s) }

var upperCaser = cases.Upper(language.Und)

// pyIsSpace is Py_UNICODE_ISSPACE, what str.strip() and int() skip.
func pyIsSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f, ' ', 0x85:
		return true
	}
	return r > 0x7f && unicode.In(r, unicode.White_Space) && r != 0x180e
}

// decimalValue is unicodedata.decimal(r): the value of a character of
// category Nd. Decimal digits come in runs of ten starting at zero.
func decimalValue(r rune) (int, bool) {
	if !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	start := r
	for unicode.Is(unicode.Nd, start-1) {
		start--
	}
	return int(r-start) % 10, true
}

// pyInt is Python's int(s) for a str: surrounding whitespace, an optional
// sign, then decimal digits of any script with single underscores between
// them, and at most 4300 digits.
func pyInt(s string) (*big.Int, bool) {
	// CPython maps non-ASCII whitespace to spaces and then skips ASCII
	// whitespace only, so \x1c..\x1f, spaces to str.strip(), stay.
	s = strings.TrimFunc(s, func(r rune) bool {
		return strings.ContainsRune(" \t\n\v\f\r", r) || (r >= 127 && pyIsSpace(r))
	})
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	var digits []byte
	prevUnderscore := true // no leading underscore
	for _, r := range s {
		if r == '_' {
			if prevUnderscore {
				return nil, false
			}
			prevUnderscore = true
			continue
		}
		d, ok := decimalValue(r)
		if !ok {
			return nil, false
		}
		digits = append(digits, byte('0'+d))
		prevUnderscore = false
	}
	if len(digits) == 0 || prevUnderscore || len(digits) > 4300 {
		return nil, false
	}
	n, _ := new(big.Int).SetString(string(digits), 10)
	if neg {
		n.Neg(n)
	}
	return n, true
}

// pyBytesRepr is repr(s.encode('utf8')).
func pyBytesRepr(s string) string { return pyjson.BytesRepr(s) }
