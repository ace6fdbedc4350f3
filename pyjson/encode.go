package pyjson

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Member is one key and value of an Object.
type Member struct {
	Key   string
	Value any
}

// Object is a Python dict: members in insertion order, keys unique.
type Object []Member

// Get returns the value stored under key.
func (o Object) Get(key string) (any, bool) {
	for _, m := range o {
		if m.Key == key {
			return m.Value, true
		}
	}
	return nil, false
}

// Has reports whether key is present (Python's "key in dict").
func (o Object) Has(key string) bool {
	_, ok := o.Get(key)
	return ok
}

// Set replaces the value of key in place, or appends it, as d[key] = v.
func (o *Object) Set(key string, v any) {
	for i := range *o {
		if (*o)[i].Key == key {
			(*o)[i].Value = v
			return
		}
	}
	*o = append(*o, Member{key, v})
}

// Marshal returns json.dumps(v): the default separators, ensure_ascii and
// allow_nan (NaN, Infinity, -Infinity written as JavaScript spells them).
func Marshal(v any) ([]byte, error) {
	var b strings.Builder
	if err := encode(&b, v, true); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// MarshalStrict is simplejson.dumps(v) since simplejson 3.19.1, whose
// allow_nan defaults to False: a non-finite float is an error.
func MarshalStrict(v any) ([]byte, error) {
	var b strings.Builder
	if err := encode(&b, v, false); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

func encode(b *strings.Builder, v any, allowNaN bool) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case string:
		writeString(b, x)
	case int:
		b.WriteString(strconv.Itoa(x))
	case int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		fmt.Fprint(b, x)
	case *big.Int:
		b.WriteString(x.String())
	case float32:
		return encodeFloat(b, float64(x), allowNaN)
	case float64:
		return encodeFloat(b, x, allowNaN)
	case json.Number:
		b.WriteString(x.String())
	case Object:
		b.WriteByte('{')
		for i, m := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeString(b, m.Key)
			b.WriteString(": ")
			if err := encode(b, m.Value, allowNaN); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case map[string]any:
		return encode(b, sortedObject(x), allowNaN)
	case map[string]string:
		o := make(map[string]any, len(x))
		for k, s := range x {
			o[k] = s
		}
		return encode(b, sortedObject(o), allowNaN)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := encode(b, e, allowNaN); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case []string:
		l := make([]any, len(x))
		for i, s := range x {
			l[i] = s
		}
		return encode(b, l, allowNaN)
	default:
		return fmt.Errorf("pyjson: cannot encode %T", v)
	}
	return nil
}

func sortedObject(m map[string]any) Object {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	o := make(Object, len(keys))
	for i, k := range keys {
		o[i] = Member{k, m[k]}
	}
	return o
}

func encodeFloat(b *strings.Builder, f float64, allowNaN bool) error {
	if (math.IsNaN(f) || math.IsInf(f, 0)) && !allowNaN {
		return fmt.Errorf("pyjson: out of range float values are not JSON compliant: %s", FloatRepr(f))
	}
	switch {
	case math.IsNaN(f):
		b.WriteString("NaN")
	case math.IsInf(f, 1):
		b.WriteString("Infinity")
	case math.IsInf(f, -1):
		b.WriteString("-Infinity")
	default:
		b.WriteString(FloatRepr(f))
	}
	return nil
}

// FloatRepr is Python's repr(float): the shortest digits that round-trip,
// positional between 1e-4 and 1e16 (always with a fractional part),
// scientific outside it with a signed exponent of at least two digits.
func FloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	// 'e' with -1 precision gives the shortest digits: d.ddde±XX.
	s := strconv.FormatFloat(f, 'e', -1, 64)
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	mant, expStr, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expStr)
	digits := strings.Replace(mant, ".", "", 1)
	decpt := exp + 1 // the value is 0.<digits> × 10^decpt
	if f == 0 {
		return sign + "0.0"
	}
	if decpt <= -4 || decpt > 16 {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		e := decpt - 1
		es := "+"
		if e < 0 {
			es, e = "-", -e
		}
		return fmt.Sprintf("%s%se%s%02d", sign, m, es, e)
	}
	switch {
	case decpt <= 0:
		return sign + "0." + strings.Repeat("0", -decpt) + digits
	case decpt >= len(digits):
		return sign + digits + strings.Repeat("0", decpt-len(digits)) + ".0"
	default:
		return sign + digits[:decpt] + "." + digits[decpt:]
	}
}

// writeString writes s as json.dumps does with ensure_ascii: short escapes
// for \" \\ \n \r \t \b \f, \u00XX for other bytes outside space..~ and
// \uXXXX (a surrogate pair beyond the BMP) for every non-ASCII character.
func writeString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	u4 := func(r rune) {
		b.WriteString(`\u`)
		b.WriteByte(hex[r>>12&0xf])
		b.WriteByte(hex[r>>8&0xf])
		b.WriteByte(hex[r>>4&0xf])
		b.WriteByte(hex[r&0xf])
	}
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r >= ' ' && r <= '~':
			b.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			u4(0xd800 + r>>10)
			u4(0xdc00 + r&0x3ff)
		default:
			u4(r)
		}
	}
	b.WriteByte('"')
}

// Len is Python's len(s): the number of code points.
func Len(s string) int { return utf8.RuneCountInString(s) }
