package api

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/monhook/monhook/internal/lab/pyjson"
)

// maxBody bounds what the lab reads of a request body.
const maxBody = 16 << 20

// errNotJSON is helpers.from_json's answer to any body falcon cannot turn
// into media.
func (q *request) errNotJSON() {
	writeError(q.w, http.StatusBadRequest, titleBadRequestLower, "Request body is not valid JSON")
}

// readBody is helpers.from_json, req.get_media() under falcon's default
// media handlers: the Content-Type picks the handler (none or */* means
// JSON), JSON is decoded as json.loads does, a form body as falcon's
// URLEncodedFormHandler does, and anything else (an unsupported type is
// falcon's 415, caught and re-raised by from_json) is 400 "Bad request".
// Endpoints that call validate_json_content_type first check that before.
func (q *request) readBody() (any, bool) {
	raw, err := io.ReadAll(http.MaxBytesReader(q.w, q.r.Body, maxBody))
	if err != nil {
		q.errNotJSON()
		return nil, false
	}
	var v any
	switch mediaHandler(q.r.Header.Get("Content-Type")) {
	case mediaJSON:
		if len(raw) == 0 { // falcon: MediaNotFoundError
			q.errNotJSON()
			return nil, false
		}
		// A lone surrogate escape decodes in Python but crashes Monasca
		// later (500); the lab refuses it here (see the lab package doc).
		v, err = pyjson.Decode(raw)
	case mediaForm:
		v, err = decodeForm(raw)
	default:
		q.errNotJSON()
		return nil, false
	}
	if err != nil {
		q.errNotJSON()
		return nil, false
	}
	return v, true
}

type media int

const (
	mediaNone media = iota
	mediaJSON
	mediaMsgpack
	mediaForm
)

// mediaHandler resolves a Content-Type as falcon's Handlers._resolve does
// with its default handlers (JSON, MessagePack, URL-encoded form, in that
// order): an exact match first, then mimeparse's best_match, whose ties
// go to the handler registered last. The lab reads no MessagePack: such a
// body is refused as not JSON (see the lab package doc).
func mediaHandler(ct string) media {
	ct = strings.TrimSpace(ct)
	if ct == "" || ct == "*/*" {
		return mediaJSON
	}
	supported := []struct {
		typ, sub string
		m        media
	}{{"application", "json", mediaJSON}, {"application", "msgpack", mediaMsgpack}, {"application", "x-www-form-urlencoded", mediaForm}}
	best, bestQ, bestFit := mediaNone, 0.0, -1
	for _, s := range supported {
		q, fit := 0.0, -1
		for _, rng := range strings.Split(ct, ",") {
			if strings.TrimSpace(rng) == "" {
				continue
			}
			typ, sub, params, ok := parseMediaRange(rng)
			if !ok {
				return mediaNone
			}
			if (typ != s.typ && typ != "*") || (sub != s.sub && sub != "*") {
				continue
			}
			f := 0
			if typ == s.typ {
				f += 100
			}
			if sub == s.sub {
				f += 10
			}
			if f > fit {
				fit, q = f, params
			}
		}
		if q > 0 && (q > bestQ || (q == bestQ && fit >= bestFit)) {
			best, bestQ, bestFit = s.m, q, fit
		}
	}
	return best
}

// parseMediaRange is mimeparse.parse_media_range: type/subtype (a bare "*"
// is */*), and the q parameter, 1 when absent or out of range.
func parseMediaRange(r string) (typ, sub string, q float64, ok bool) {
	full, params, _ := strings.Cut(r, ";")
	full = strings.ToLower(strings.TrimSpace(full))
	if full == "*" {
		full = "*/*"
	}
	typ, sub, ok = strings.Cut(full, "/")
	if !ok || strings.Contains(sub, "/") {
		return "", "", 0, false
	}
	typ, sub = strings.TrimSpace(typ), strings.TrimSpace(sub)
	q = 1
	for _, p := range strings.Split(params, ";") {
		k, v, _ := strings.Cut(p, "=")
		if strings.TrimSpace(k) == "q" {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && f <= 1 {
				q = f
			}
		}
	}
	return typ, sub, q, true
}

// decodeForm is falcon's URLEncodedFormHandler: an ASCII body parsed as a
// query string with blank values kept and no comma splitting; a repeated
// key becomes a list.
func decodeForm(raw []byte) (any, error) {
	for _, c := range raw {
		if c >= 0x80 {
			return nil, &pyjson.SyntaxError{Msg: "form body is not ASCII"}
		}
	}
	obj := pyjson.Object{}
	for _, field := range strings.Split(string(raw), "&") {
		k, v, _ := strings.Cut(field, "=")
		if k == "" && v == "" {
			continue
		}
		k, v = formUnescape(k), formUnescape(v)
		old, seen := obj.Get(k)
		switch o := old.(type) {
		case []any:
			obj.Set(k, append(o, v))
		default:
			if seen {
				obj.Set(k, []any{o, v})
			} else {
				obj.Set(k, v)
			}
		}
	}
	return obj, nil
}

// formUnescape is falcon.uri.decode with unquote_plus: '+' is a space and
// %XX escapes are decoded; an escape that is not valid stays as written.
func formUnescape(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	if u, err := url.PathUnescape(s); err == nil {
		return strings.ToValidUTF8(u, "\uFFFD")
	}
	return s
}
