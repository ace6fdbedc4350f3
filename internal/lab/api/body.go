package api

import (
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/monhook/monhook/pyjson"
)

// maxBody bounds what the lab reads of a request body.
const maxBody = 16 << 20

// errNotJSON is helpers.from_json's answer to any body falcon cannot turn
// into media.
func (q *request) errNotJSON() {
	if q.java() {
		// JsonProcessingExceptionMapper (a JsonParseException).
		writeJavaFault(q.w, http.StatusBadRequest, "Unable to process the provided JSON", "")
		return
	}
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
	mediaMultipart
	mediaForm
)

// mediaHandler resolves a Content-Type as falcon 4's Handlers._resolve
// does with its default request handlers (JSON, multipart form, URL-encoded
// form, in that order): none or */* is JSON; otherwise the header is read
// as an Accept-like list of media ranges, compared case-sensitively, each
// handler gets the quality of its most specific matching range, and the
// best quality wins, the first handler on a tie. No match, or a range that
// does not parse, is falcon's 415. The lab reads no multipart body: see
// the lab package doc.
func mediaHandler(ct string) media {
	if ct == "" || ct == "*/*" {
		return mediaJSON
	}
	var ranges []mediaRange
	for _, r := range strings.Split(ct, ",") {
		mr, ok := parseMediaRange(r)
		if !ok {
			return mediaNone
		}
		ranges = append(ranges, mr)
	}
	supported := []struct {
		typ, sub string
		m        media
	}{{"application", "json", mediaJSON}, {"multipart", "form-data", mediaMultipart}, {"application", "x-www-form-urlencoded", mediaForm}}
	best, bestQ := mediaNone, 0.0
	for _, s := range supported {
		var top [4]int
		q, matched := 0.0, false
		for _, r := range ranges {
			score, ok := r.score(s.typ, s.sub)
			if !ok {
				continue
			}
			if !matched || compareScores(score, top) > 0 || (score == top && r.q > q) {
				top, q, matched = score, r.q, true
			}
		}
		if matched && q > bestQ {
			best, bestQ = s.m, q
		}
	}
	return best
}

// mediaRange is one element of the header: type/subtype, parameters (q
// taken out) and the quality.
type mediaRange struct {
	typ, sub string
	params   int // how many besides q
	q        float64
}

// parseMediaRange is falcon's _MediaRange.parse: "*" alone is */*, the
// type needs a "/", q must be a number from 0 to 1 (1 when absent).
func parseMediaRange(r string) (mediaRange, bool) {
	full, params, _ := strings.Cut(r, ";")
	full = strings.TrimSpace(full)
	if full == "*" {
		full = "*/*"
	}
	typ, sub, ok := strings.Cut(full, "/")
	if !ok {
		return mediaRange{}, false
	}
	mr := mediaRange{typ: strings.TrimSpace(typ), sub: strings.TrimSpace(sub), q: 1}
	if params == "" {
		return mr, true
	}
	for _, p := range strings.Split(params, ";") {
		k, v, eq := strings.Cut(p, "=")
		if !eq {
			continue
		}
		if strings.ToLower(strings.TrimSpace(k)) != "q" {
			mr.params++
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f < 0 || f > 1 || math.IsNaN(f) {
			return mediaRange{}, false
		}
		mr.q = f
	}
	return mr, true
}

// score is _MediaRange.match_score against a handler's type (which has no
// parameters): main type and subtype matched exactly (1) or by a wildcard
// (0), whether the parameters match exactly, and how many match.
func (r mediaRange) score(typ, sub string) ([4]int, bool) {
	var s [4]int
	switch {
	case r.typ == "*":
	case r.typ == typ:
		s[0] = 1
	default:
		return s, false
	}
	switch {
	case r.sub == "*":
	case r.sub == sub:
		s[1] = 1
	default:
		return s, false
	}
	if r.params == 0 {
		s[2] = 1
	}
	return s, true
}

func compareScores(a, b [4]int) int {
	for i := range a {
		if a[i] != b[i] {
			return a[i] - b[i]
		}
	}
	return 0
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

// formUnescape is falcon.uri.decode with unquote_plus: '+' is a space,
// each valid %XX escape is a byte, an invalid one stays as written, and the
// bytes are read as UTF-8 with U+FFFD for what is not.
func formUnescape(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	if !strings.Contains(s, "%") {
		return s
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			out = append(out, byte(b))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return pyDecodeReplace(out)
}

// pyDecodeReplace is bytes.decode("utf-8", "replace"): one U+FFFD for each
// maximal prefix of a character that breaks off, and for each stray byte.
func pyDecodeReplace(p []byte) string {
	var b strings.Builder
	for len(p) > 0 {
		r, n := utf8.DecodeRune(p)
		if r != utf8.RuneError || n > 1 {
			b.WriteRune(r)
			p = p[n:]
			continue
		}
		b.WriteRune(utf8.RuneError)
		p = p[1+validContinuations(p):]
	}
	return b.String()
}

// validContinuations counts the bytes after an invalid sequence's lead
// that still fit a character it could have started.
func validContinuations(p []byte) int {
	lo, hi, need := byte(0x80), byte(0xBF), 0
	switch c := p[0]; {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		lo, need = 0xA0, 2
	case c == 0xED:
		hi, need = 0x9F, 2
	case c >= 0xE1 && c <= 0xEF:
		need = 2
	case c == 0xF0:
		lo, need = 0x90, 3
	case c == 0xF4:
		hi, need = 0x8F, 3
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	}
	n := 0
	for n < need && 1+n < len(p) {
		c := p[1+n]
		if n == 0 && (c < lo || c > hi) || n > 0 && (c < 0x80 || c > 0xBF) {
			break
		}
		n++
	}
	return n
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}
