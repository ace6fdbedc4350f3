package cli

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/monhook/monhook/exitcode"
	"github.com/monhook/monhook/webhook"
)

// A consumer's error body says what it disliked: send shows its first 200
// bytes in the attempt line and the error, never more.
func TestSendShowsTheStartOfAConsumersErrorBody(t *testing.T) {
	long := strings.Repeat("y", 500)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = w.Write([]byte("missing field alarm_link\n" + long))
	}))
	defer srv.Close()
	code, out, errOut := runCLI(t, "send", srv.URL)
	if code != exitcode.Of(exitcode.Fail) {
		t.Fatalf("exit %d, want 1", code)
	}
	shown := "missing field alarm_link " + strings.Repeat("y", webhook.ErrorBodyLimit-len("missing field alarm_link\n"))
	if !strings.Contains(out, shown) || strings.Contains(out, shown+"y") {
		t.Errorf("attempt line %q does not show exactly the body's first %d bytes", out, webhook.ErrorBodyLimit)
	}
	if !strings.Contains(errOut, "answered 422 Unprocessable Entity, not 2xx: missing field alarm_link") {
		t.Errorf("error %q does not quote the body", errOut)
	}
}
