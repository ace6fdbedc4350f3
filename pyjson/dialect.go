package pyjson

import (
	"strings"
)

// Dialect is how one of the JSON encoders Monasca's services used writes
// a value that Marshal writes as CPython 3's json.dumps. The zero value is
// Marshal.
type Dialect struct {
	// Compact writes "," and ":" with no spaces (ujson.dumps).
	Compact bool
	// EscapeSlash writes "/" as "\/" (ujson's escape_forward_slashes,
	// on by default).
	EscapeSlash bool
	// Py2DictOrder writes every Object's members in the order a CPython
	// 2.7 dict iterates them (Py2DictOrder): the outermost as a dict
	// display of its size (a literal in the source), nested ones as
	// dicts json.loads filled (unicode keys).
	Py2DictOrder bool
}

// MarshalDialect encodes v as d says.
func MarshalDialect(v any, d Dialect) ([]byte, error) {
	if d.Py2DictOrder {
		v = py2Ordered(v, true)
	}
	var b strings.Builder
	if err := encode(&b, v, true); err != nil {
		return nil, err
	}
	out := b.String()
	if d.Compact || d.EscapeSlash {
		out = rewriteOutsideStrings(out, d)
	}
	return []byte(out), nil
}

// py2Ordered reorders the members of every Object in v.
func py2Ordered(v any, literal bool) any {
	switch x := v.(type) {
	case Object:
		keys := make([]string, len(x))
		for i, m := range x {
			keys[i] = m.Key
		}
		presized := 0
		if literal {
			presized = len(x)
		}
		out := make(Object, 0, len(x))
		for _, k := range Py2DictOrder(keys, presized, !literal) {
			val, _ := x.Get(k)
			out = append(out, Member{Key: k, Value: py2Ordered(val, false)})
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = py2Ordered(e, false)
		}
		return out
	}
	return v
}

// rewriteOutsideStrings turns json.dumps text into the dialect's: the
// separators ", " and ": " outside strings lose their space, and "/" inside
// strings becomes "\/". json.dumps text is ASCII and escapes every quote
// inside a string, so a scan for unescaped quotes finds the strings.
func rewriteOutsideStrings(s string, d Dialect) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/16)
	inString := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inString && c == '\\':
			b.WriteByte(c)
			i++
			b.WriteByte(s[i])
			continue
		case inString && c == '/' && d.EscapeSlash:
			b.WriteString(`\/`)
			continue
		case c == '"':
			inString = !inString
		case !inString && d.Compact && (c == ',' || c == ':') && i+1 < len(s) && s[i+1] == ' ':
			b.WriteByte(c)
			i++ // drop the space
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
