package webhook

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/monhook/monhook/pyjson"
)

// Encoding is the JSON encoder monasca-notification's webhook plugin wrote
// the body with; it changed twice (monasca-notification
// monasca_notification/plugins/webhook_notifier.py at each tag).
type Encoding string

// The three encoders, oldest first.
const (
	// JSON is json.dumps under Python 2 (Mitaka to Ocata): ", " and ": ",
	// ASCII escapes, and keys in Python 2's dict order, not the source's.
	JSON Encoding = "json"
	// UJSON is ujson.dumps (Pike to Train): no spaces, "/" written as
	// "\/", ASCII escapes; key order as JSON (those releases ran Python 2).
	UJSON Encoding = "ujson"
	// SimpleJSON is simplejson.dumps (Ussuri on): ", " and ": ", ASCII
	// escapes, keys in the order the plugin builds its dict.
	SimpleJSON Encoding = "simplejson"
)

// Encodings lists the encodings, oldest first; the last is the default.
var Encodings = []Encoding{JSON, UJSON, SimpleJSON}

// DefaultEncoding is the last release's.
const DefaultEncoding = SimpleJSON

// ParseEncoding validates a name.
func ParseEncoding(s string) (Encoding, error) {
	for _, e := range Encodings {
		if strings.EqualFold(s, string(e)) {
			return e, nil
		}
	}
	return "", fmt.Errorf("unknown encoding %q: want json, ujson or simplejson", s)
}

func (e Encoding) dialect() pyjson.Dialect {
	switch e {
	case JSON:
		return pyjson.Dialect{Py2DictOrder: true}
	case UJSON:
		return pyjson.Dialect{Compact: true, EscapeSlash: true, Py2DictOrder: true}
	}
	return pyjson.Dialect{}
}

// DetectEncoding tells from a body's bytes which encoder wrote it: no
// space after the first key's colon is ujson; otherwise the first key
// decides, "alarm_id" (the plugin's order) for simplejson and anything
// else (Python 2's dict order begins with "metrics") for json. ok is false
// when the bytes are no JSON object.
func DetectEncoding(body []byte) (e Encoding, ok bool) {
	b := bytes.TrimSpace(body)
	if len(b) < 2 || b[0] != '{' || b[1] != '"' {
		return "", false
	}
	end := bytes.IndexByte(b[2:], '"')
	if end < 0 {
		return "", false
	}
	key := string(b[2 : 2+end])
	rest := b[2+end+1:]
	switch {
	case bytes.HasPrefix(rest, []byte(":")) && !bytes.HasPrefix(rest, []byte(": ")):
		return UJSON, true
	case !bytes.HasPrefix(rest, []byte(": ")):
		return "", false
	case key == Keys[0]:
		return SimpleJSON, true
	}
	return JSON, true
}
