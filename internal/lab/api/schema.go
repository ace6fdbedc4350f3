package api

import (
	"fmt"
	"strings"

	"github.com/monhook/monhook/pyjson"
)

// vInvalid is a voluptuous Invalid: a message, the path into the data and
// the error type voluptuous adds when a dictionary value fails directly.
// str() of it is what Monasca puts in the error description.
type vInvalid struct {
	msg       string
	path      []any // string keys, int indexes
	errorType string
}

func (e *vInvalid) Error() string {
	var b strings.Builder
	b.WriteString(e.msg)
	if e.errorType != "" {
		b.WriteString(" for " + e.errorType)
	}
	if len(e.path) > 0 {
		parts := make([]string, len(e.path))
		for i, p := range e.path {
			if s, ok := p.(string); ok {
				parts[i] = pyjson.StrRepr(s)
			} else {
				parts[i] = fmt.Sprint(p)
			}
		}
		b.WriteString(" @ data[" + strings.Join(parts, "][") + "]")
	}
	return b.String()
}

// fieldValidator checks one dictionary value; the error's path is relative
// to the value.
type fieldValidator func(v any) *vInvalid

// field is one key of a voluptuous dictionary schema.
type field struct {
	key      string
	required bool // Required(key), or any Marker under Schema(required=True)
	check    fieldValidator
}

// validateDict is voluptuous's mapping validation: keys in the data's order
// (a failing value, or an extra key when extra is false), then the missing
// required keys; like str(MultipleInvalid), it reports the first error.
// voluptuous keeps the required keys in a set, whose order CPython's
// per-process string hash seed decides; the lab names the first missing
// key in schema order.
func validateDict(v any, fields []field, extra bool) *vInvalid {
	obj, ok := v.(pyjson.Object)
	if !ok {
		return &vInvalid{msg: "expected a dictionary"}
	}
	for _, m := range obj {
		var f *field
		for i := range fields {
			if fields[i].key == m.Key {
				f = &fields[i]
				break
			}
		}
		if f == nil {
			if !extra {
				return &vInvalid{msg: "extra keys not allowed", path: []any{m.Key}}
			}
			continue
		}
		if err := f.check(m.Value); err != nil {
			err.path = append([]any{m.Key}, err.path...)
			if len(err.path) <= 1 {
				err.errorType = "dictionary value"
			}
			return err
		}
	}
	for _, f := range fields {
		if f.required && !obj.Has(f.key) {
			return &vInvalid{msg: "required key not provided", path: []any{f.key}}
		}
	}
	return nil
}

// isPyStr is isinstance(v, str).
func isPyStr(v any) bool { _, ok := v.(string); return ok }

// isPyInt is isinstance(v, int): a JSON boolean is an int to Python.
func isPyInt(v any) bool {
	switch v.(type) {
	case bool, *bigInt:
		return true
	}
	return false
}

// strOf returns Schema(All(Any(str), Length(max=max))); max 0 is no limit.
func strOf(max int) fieldValidator {
	return func(v any) *vInvalid {
		s, ok := v.(string)
		if !ok {
			return &vInvalid{msg: "expected str"}
		}
		if max > 0 && pyjson.Len(s) > max {
			return &vInvalid{msg: fmt.Sprintf("length of value must be at most %d", max)}
		}
		return nil
	}
}

// strList is [str] (or Any([str], [str])): a list whose items are str.
func strList(v any) *vInvalid {
	l, ok := v.([]any)
	if !ok {
		return &vInvalid{msg: "expected a list"}
	}
	for i, x := range l {
		if !isPyStr(x) {
			return &vInvalid{msg: "expected str", path: []any{i}}
		}
	}
	return nil
}
