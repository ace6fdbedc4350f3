package pyjson

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxIntDigits is CPython's default int_max_str_digits (3.11+): json.loads
// refuses a longer integer literal.
const maxIntDigits = 4300

// maxDepth bounds nesting as CPython's recursion limit does: json.loads
// in CPython 3.13 refuses arrays or objects nested about 10000 deep (3.12
// near 1500, 3.11 near 1000); the lab follows the current release.
const maxDepth = 9990

// ErrLoneSurrogate is returned for a \uD800-\uDFFF escape that is not half
// of a pair. json.loads accepts it, but a Python string holding it cannot
// be encoded as UTF-8 and a Go string cannot hold it at all.
var ErrLoneSurrogate = errors.New("pyjson: lone surrogate escape")

// SyntaxError is a body json.loads (or falcon's UTF-8 decode before it)
// refuses.
type SyntaxError struct {
	Msg    string
	Offset int
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("pyjson: %s at byte %d", e.Msg, e.Offset) }

// Decode is json.loads(data.decode("utf-8")) as falcon's JSON handler runs
// it: one value with optional surrounding whitespace. Objects decode to
// Object, integers to *big.Int, other numbers to float64 (1e400 is +Inf, as
// Python's float()).
func Decode(data []byte) (any, error) {
	if !utf8.Valid(data) {
		return nil, &SyntaxError{"invalid UTF-8", 0}
	}
	d := &decoder{s: data}
	d.space()
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.space()
	if d.i != len(d.s) {
		return nil, d.fail("extra data")
	}
	return v, nil
}

type decoder struct {
	s []byte
	i int
}

func (d *decoder) fail(msg string) error { return &SyntaxError{msg, d.i} }

func (d *decoder) space() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) literal(word string) bool {
	if len(d.s)-d.i >= len(word) && string(d.s[d.i:d.i+len(word)]) == word {
		d.i += len(word)
		return true
	}
	return false
}

func (d *decoder) value(depth int) (any, error) {
	if depth > maxDepth {
		return nil, d.fail("nested too deeply")
	}
	if d.i >= len(d.s) {
		return nil, d.fail("expecting value")
	}
	switch c := d.s[d.i]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		return d.str()
	case d.literal("null"):
		return nil, nil
	case d.literal("true"):
		return true, nil
	case d.literal("false"):
		return false, nil
	case d.literal("NaN"):
		return math.NaN(), nil
	case d.literal("Infinity"):
		return math.Inf(1), nil
	case d.literal("-Infinity"):
		return math.Inf(-1), nil
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	}
	return nil, d.fail("expecting value")
}

func (d *decoder) object(depth int) (any, error) {
	d.i++ // {
	obj := Object{}
	d.space()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return obj, nil
	}
	for {
		d.space()
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return nil, d.fail("expecting property name enclosed in double quotes")
		}
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		d.space()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return nil, d.fail("expecting ':' delimiter")
		}
		d.i++
		d.space()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		obj.Set(k.(string), v) // a repeated key keeps its place, takes the last value
		closed, err := d.next('}')
		if err != nil {
			return nil, err
		}
		if closed {
			return obj, nil
		}
	}
}

func (d *decoder) array(depth int) (any, error) {
	d.i++ // [
	list := []any{}
	d.space()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return list, nil
	}
	for {
		d.space()
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
		closed, err := d.next(']')
		if err != nil {
			return nil, err
		}
		if closed {
			return list, nil
		}
	}
}

// next reads what follows a member or an element: ',' (another follows) or
// closer (the container ends), as CPython's scanner does.
func (d *decoder) next(closer byte) (closed bool, err error) {
	d.space()
	if d.i < len(d.s) {
		switch d.s[d.i] {
		case ',':
			d.i++
			return false, nil
		case closer:
			d.i++
			return true, nil
		}
	}
	return false, d.fail("expecting ',' delimiter")
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number follows json's NUMBER_RE: -?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?,
// an integer when there is neither fraction nor exponent.
func (d *decoder) number() (any, error) {
	start := d.i
	if d.s[d.i] == '-' {
		d.i++
	}
	switch {
	case d.i < len(d.s) && d.s[d.i] == '0':
		d.i++
	case d.i < len(d.s) && isDigit(d.s[d.i]):
		for d.i < len(d.s) && isDigit(d.s[d.i]) {
			d.i++
		}
	default:
		return nil, d.fail("expecting value")
	}
	intEnd := d.i
	isFloat := false
	if d.i+1 < len(d.s) && d.s[d.i] == '.' && isDigit(d.s[d.i+1]) {
		isFloat = true
		d.i++
		for d.i < len(d.s) && isDigit(d.s[d.i]) {
			d.i++
		}
	}
	if d.i < len(d.s) && (d.s[d.i] == 'e' || d.s[d.i] == 'E') {
		j := d.i + 1
		if j < len(d.s) && (d.s[j] == '+' || d.s[j] == '-') {
			j++
		}
		if j < len(d.s) && isDigit(d.s[j]) {
			isFloat = true
			for j < len(d.s) && isDigit(d.s[j]) {
				j++
			}
			d.i = j
		}
	}
	text := string(d.s[start:d.i])
	if !isFloat {
		digits := intEnd - start
		if text[0] == '-' {
			digits--
		}
		if digits > maxIntDigits {
			return nil, &SyntaxError{"integer literal exceeds the 4300-digit limit", start}
		}
		n, _ := new(big.Int).SetString(text, 10)
		return n, nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return f, nil // ±Inf or ±0, as Python's float() rounds
		}
		return nil, &SyntaxError{"bad number", start}
	}
	return f, nil
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}

// str reads a string in strict mode: no raw control characters.
func (d *decoder) str() (any, error) {
	d.i++ // opening quote
	var out []byte
	for {
		if d.i >= len(d.s) {
			return nil, d.fail("unterminated string")
		}
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			return string(out), nil
		case c < 0x20:
			return nil, d.fail("invalid control character")
		case c != '\\':
			out = append(out, c)
			d.i++
			continue
		}
		d.i++ // backslash
		if d.i >= len(d.s) {
			return nil, d.fail("unterminated string")
		}
		esc := d.s[d.i]
		d.i++
		switch esc {
		case '"', '\\', '/':
			out = append(out, esc)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(d.s[d.i:])
			if !ok {
				return nil, d.fail("invalid \\uXXXX escape")
			}
			d.i += 4
			if utf16.IsSurrogate(r) {
				if r < 0xdc00 && d.i+1 < len(d.s) && d.s[d.i] == '\\' && d.s[d.i+1] == 'u' {
					if r2, ok := hex4(d.s[d.i+2:]); ok && r2 >= 0xdc00 && r2 <= 0xdfff {
						d.i += 6
						out = utf8.AppendRune(out, utf16.DecodeRune(r, r2))
						continue
					}
				}
				return nil, ErrLoneSurrogate
			}
			out = utf8.AppendRune(out, r)
		default:
			return nil, d.fail("invalid \\escape")
		}
	}
}
