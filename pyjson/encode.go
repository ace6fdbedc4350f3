package pyjson

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Member is one key of an Object.
type Member struct {
	Key   string
	Value any
}

// Object is a JSON object whose keys keep their order, as a Python dict's do.
type Object []Member

// Marshal encodes v as json.dumps(v) would. v may be nil, bool, string, any
// integer type, float32/float64, []any, []string, Object,
// map[string]any or map[string]string (keys sorted), or a RawMessage.
func Marshal(v any) ([]byte, error) {
	return Append(nil, v)
}

// RawMessage is already-encoded text, written as is.
type RawMessage []byte

// Append appends the encoding of v to dst.
func Append(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		if x {
			return append(dst, "true"...), nil
		}
		return append(dst, "false"...), nil
	case string:
		return AppendString(dst, x), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case uint:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint32:
		return strconv.AppendUint(dst, uint64(x), 10), nil
	case uint64:
		return strconv.AppendUint(dst, x, 10), nil
	case float64:
		return AppendFloat(dst, x), nil
	case float32:
		return AppendFloat(dst, float64(x)), nil
	case RawMessage:
		return append(dst, x...), nil
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			var err error
			if dst, err = Append(dst, e); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	case []string:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = AppendString(dst, e)
		}
		return append(dst, ']'), nil
	case Object:
		dst = append(dst, '{')
		for i, m := range x {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = AppendString(dst, m.Key)
			dst = append(dst, ": "...)
			var err error
			if dst, err = Append(dst, m.Value); err != nil {
				return dst, err
			}
		}
		return append(dst, '}'), nil
	case map[string]any:
		keys := sortedKeys(x)
		obj := make(Object, 0, len(keys))
		for _, k := range keys {
			obj = append(obj, Member{k, x[k]})
		}
		return Append(dst, obj)
	case map[string]string:
		keys := sortedKeys(x)
		obj := make(Object, 0, len(keys))
		for _, k := range keys {
			obj = append(obj, Member{k, x[k]})
		}
		return Append(dst, obj)
	}
	return dst, fmt.Errorf("pyjson: cannot encode %T", v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

const hexDigits = "0123456789abcdef"

// AppendString appends s as json.dumps(s) with ensure_ascii=True writes it:
// only printable ASCII (space to ~) stays as is; \" \\ \n \r \t \b \f get
// their short escapes; everything else, DEL included, is \uXXXX, astral
// characters as a surrogate pair. Invalid UTF-8 (which a Python str cannot
// hold) becomes \ufffd.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			i++
			continue
		}
		dst = append(dst, s[start:i]...)
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = appendU(dst, rune(c))
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= 0x10000 {
			hi, lo := utf16.EncodeRune(r)
			dst = appendU(appendU(dst, hi), lo)
		} else {
			dst = appendU(dst, r) // RuneError for invalid bytes: \ufffd
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func appendU(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// AppendFloat appends f as Python's float repr (which json.dumps uses):
// the shortest digits that round-trip, positional notation with a ".0" for
// whole numbers when the decimal exponent is in [-4, 16), otherwise
// d.ddde±XX; NaN, Infinity and -Infinity for the non-finite values.
func AppendFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	// 'e' with shortest precision gives the digits and the exponent:
	// [-]d[.ddd]e±XX.
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, 64)
	neg := e[0] == '-'
	if neg {
		e = e[1:]
		dst = append(dst, '-')
	}
	ePos := slices.Index(e, 'e')
	mant, exp10 := e[:ePos], e[ePos+1:]
	exp, _ := strconv.Atoi(string(exp10))
	digits := make([]byte, 0, len(mant))
	for _, c := range mant {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	// Python: with decpt = exp+1 (digits are 0.d1d2… × 10^decpt), use
	// exponent notation when decpt > 16 or decpt < -3.
	decpt := exp + 1
	if decpt > 16 || decpt < -3 {
		dst = append(dst, digits[0])
		if len(digits) > 1 {
			dst = append(dst, '.')
			dst = append(dst, digits[1:]...)
		}
		dst = append(dst, 'e')
		if exp < 0 {
			dst = append(dst, '-')
			exp = -exp
		} else {
			dst = append(dst, '+')
		}
		if exp < 10 {
			dst = append(dst, '0')
		}
		return strconv.AppendInt(dst, int64(exp), 10)
	}
	switch {
	case decpt <= 0:
		dst = append(dst, "0."...)
		for range -decpt {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	case decpt >= len(digits):
		dst = append(dst, digits...)
		for range decpt - len(digits) {
			dst = append(dst, '0')
		}
		return append(dst, ".0"...)
	default:
		dst = append(dst, digits[:decpt]...)
		dst = append(dst, '.')
		return append(dst, digits[decpt:]...)
	}
}
