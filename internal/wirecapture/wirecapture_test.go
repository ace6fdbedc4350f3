package wirecapture

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestServeCapturesTheRequestAsWrittenAndAnswersWithTheReply(t *testing.T) {
	addr, request := Serve(t, "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok")
	req, _ := http.NewRequest("POST", "http://"+addr+"/hook", strings.NewReader(`{"a":1}`))
	req.Header["x-lower"] = []string{"v"} // not canonicalised on the wire
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	reply, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 202 || string(reply) != "ok" {
		t.Fatalf("answer %d %q, want the reply given to Serve", resp.StatusCode, reply)
	}
	r := request()
	if r.Line != "POST /hook HTTP/1.1" || r.Body != `{"a":1}` {
		t.Errorf("line %q body %q", r.Line, r.Body)
	}
	if !slices.Contains(r.Head, "x-lower: v") || !slices.Contains(r.Head, "Content-Length: 7") {
		t.Errorf("head %q lacks the header lines as written", r.Head)
	}
}
