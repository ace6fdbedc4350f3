// Package pyjson reads and writes JSON the way CPython does, so that the lab
// measures, answers and sends the same bytes as Monasca's Python services,
// and `monhook send` posts them (through package webhook). It is public
// because send's wire package is; it began as internal/lab/pyjson.
//
// Marshal reproduces json.dumps(v) with its defaults (and simplejson's, which
// monasca-common uses): ", " and ": " separators, ensure_ascii (every
// character outside printable ASCII as a lower-case \uXXXX escape, astral
// characters as surrogate pairs), floats as Python's repr and keys in the
// order given. Decode reproduces json.loads as falcon runs it on a request
// body: strict UTF-8, NaN and ±Infinity literals, integers of any size (up
// to CPython's 4300-digit limit), duplicate keys keeping their first place
// and their last value.
//
// Values are the Go images of Python's: nil (None), bool, string, *big.Int
// or any Go integer (int), float64 (float), []any (list) and Object (dict,
// ordered). Marshal also takes map[string]any, whose keys it sorts because a
// Go map has no order.
package pyjson
