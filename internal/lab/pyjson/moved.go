// Package pyjson moved to github.com/monhook/monhook/pyjson (public, so that
// `monhook send` shares the lab's encoder). These names forward to it so
// that branches written against the old path still compile; import the new
// path, and delete this file when nothing imports it any more.
//
// Deprecated: import github.com/monhook/monhook/pyjson.
package pyjson

import "github.com/monhook/monhook/pyjson"

type (
	Member      = pyjson.Member
	Object      = pyjson.Object
	SyntaxError = pyjson.SyntaxError
)

var (
	ErrLoneSurrogate = pyjson.ErrLoneSurrogate
	Decode           = pyjson.Decode
	Marshal          = pyjson.Marshal
	MarshalStrict    = pyjson.MarshalStrict
	FloatRepr        = pyjson.FloatRepr
	Len              = pyjson.Len
	Str              = pyjson.Str
	Repr             = pyjson.Repr
	StrRepr          = pyjson.StrRepr
	TypeName         = pyjson.TypeName
	BytesRepr        = pyjson.BytesRepr
)
