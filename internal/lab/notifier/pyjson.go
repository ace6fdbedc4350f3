package notifier

import (
	"strconv"
	"unicode/utf16"
)

// The webhook body is the text monasca-notification's (simple)json.dumps
// writes with its defaults, byte for byte, so that a receiver that signs or
// compares bytes sees in the lab what it sees in production: ", " between
// items, ": " after keys, and ensure_ascii: every character outside
// printable ASCII (and DEL) as a lower-case \uXXXX escape, astral
// characters as a UTF-16 surrogate pair.
//
// This is the minimum the body needs (strings, integers, null, objects in a
// fixed key order); a general encoder (internal/lab/pyjson) is being written
// for the API's value_meta sizes and can replace it.

const hexDigits = "0123456789abcdef"

// appendPyString appends s as a JSON string the way json.dumps does.
// Invalid UTF-8 (which a Python str cannot hold) is written as U+FFFD.
func appendPyString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for _, r := range s {
		switch {
		case r == '"':
			dst = append(dst, '\\', '"')
		case r == '\\':
			dst = append(dst, '\\', '\\')
		case r == '\n':
			dst = append(dst, '\\', 'n')
		case r == '\r':
			dst = append(dst, '\\', 'r')
		case r == '\t':
			dst = append(dst, '\\', 't')
		case r == '\b':
			dst = append(dst, '\\', 'b')
		case r == '\f':
			dst = append(dst, '\\', 'f')
		case r >= ' ' && r <= '~':
			dst = append(dst, byte(r))
		case r > 0xFFFF:
			hi, lo := utf16.EncodeRune(r)
			dst = appendU4(appendU4(dst, hi), lo)
		default: // controls, DEL, the rest of the BMP, and utf8.RuneError
			dst = appendU4(dst, r)
		}
	}
	return append(dst, '"')
}

func appendU4(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
}

// pyObject writes a JSON object with keys in the order they are added.
type pyObject struct {
	dst []byte
	n   int
}

func newPyObject(dst []byte) *pyObject { return &pyObject{dst: append(dst, '{')} }

func (o *pyObject) key(k string) {
	if o.n > 0 {
		o.dst = append(o.dst, ',', ' ')
	}
	o.n++
	o.dst = appendPyString(o.dst, k)
	o.dst = append(o.dst, ':', ' ')
}

func (o *pyObject) str(k, v string) {
	o.key(k)
	o.dst = appendPyString(o.dst, v)
}

func (o *pyObject) int(k string, v int64) {
	o.key(k)
	o.dst = strconv.AppendInt(o.dst, v, 10)
}

func (o *pyObject) null(k string) {
	o.key(k)
	o.dst = append(o.dst, "null"...)
}

func (o *pyObject) end() []byte { return append(o.dst, '}') }
