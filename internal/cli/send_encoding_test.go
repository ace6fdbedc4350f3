package cli

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/monhook/monhook/exitcode"
	"github.com/monhook/monhook/webhook"
)

// --encoding posts the body as that release's encoder wrote it, and
// --auth-token reaches the consumer as X-Auth-Token without being printed.
func TestSendEncodingAndAuthToken(t *testing.T) {
	var mu sync.Mutex
	var bodies [][]byte
	var tokens []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies, tokens = append(bodies, b), append(tokens, r.Header.Get("X-Auth-Token"))
		mu.Unlock()
	}))
	defer srv.Close()

	const secret = "gAAAAAB-secret-token"
	for _, enc := range webhook.Encodings {
		code, out, errOut := runCLI(t, "send", srv.URL, "--encoding", string(enc), "--auth-token", secret, "--debug", "-o", "json")
		if code != 0 {
			t.Fatalf("%s: exit %d %s %s", enc, code, out, errOut)
		}
		if strings.Contains(out+errOut, secret) {
			t.Fatalf("%s: the token was printed", enc)
		}
	}
	if len(bodies) != len(webhook.Encodings) {
		t.Fatalf("got %d posts", len(bodies))
	}
	for i, enc := range webhook.Encodings {
		if got, ok := webhook.DetectEncoding(bodies[i]); !ok || got != enc {
			t.Errorf("--encoding %s posted %s bytes: %s", enc, got, bodies[i])
		}
		if tokens[i] != secret {
			t.Errorf("--encoding %s: X-Auth-Token %q", enc, tokens[i])
		}
	}

	// Without the flags: simplejson and no token.
	if code, _, _ := runCLI(t, "send", srv.URL); code != 0 {
		t.Fatal("plain send failed")
	}
	if got, _ := webhook.DetectEncoding(bodies[len(bodies)-1]); got != webhook.SimpleJSON || tokens[len(tokens)-1] != "" {
		t.Errorf("defaults: %s, token %q", got, tokens[len(tokens)-1])
	}
}

func TestSendEncodingUsageError(t *testing.T) {
	_, err := sendOptionsFor(t, "http://h/", "--encoding", "msgpack")
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != exitcode.Of(exitcode.Usage) || !strings.Contains(err.Error(), "json, ujson or simplejson") {
		t.Fatalf("err %v", err)
	}
}
