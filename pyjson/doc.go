// Package pyjson encodes JSON as Python's json.dumps (and simplejson.dumps)
// does with their default arguments: ", " and ": " separators, every
// character outside printable ASCII escaped as \uXXXX (astral characters as
// surrogate pairs), floats as Python's repr, NaN and Infinity allowed.
//
// monasca-notification posts webhook bodies made by simplejson.dumps and the
// Monasca API measures value_meta on json.dumps text, so receivers that
// compare bytes or sign bodies, and size limits, depend on this exact form.
// Go's encoding/json differs in separators, in escaping <, > and &, in
// sending UTF-8 as is and in float formatting.
//
// Python dicts keep insertion order, Go maps have none: Object keeps the
// order it is given; a map[string]any is written with sorted keys.
package pyjson
