package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/monhook/monhook/exitcode"
	"github.com/monhook/monhook/receiver"
	"github.com/monhook/monhook/receiver/jsonl"
	"github.com/monhook/monhook/webhook"
)

// saveDeliveries records bodies on a receiver that saves them as listen
// --save does, each posted with Monasca's headers and a service token.
func saveDeliveries(t *testing.T, bodies ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "deliveries.jsonl")
	w, err := jsonl.Open(path, jsonl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := receiver.New(receiver.Options{Listen: "127.0.0.1:0",
		Persist: func(d receiver.Delivery) error { return w.Write(d.AppendJSON(nil)) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	for _, b := range bodies {
		req, err := webhook.NewRequest(context.Background(), r.CallbackURL(), []byte(b))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Auth-Token", "gAAAAsecret")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if err := errors.Join(r.Close(), w.Close()); err != nil {
		t.Fatal(err)
	}
	return path
}

type seenRequest struct {
	body   []byte
	header http.Header
}

func TestSendReplayResendsSavedDeliveriesAsTheyCame(t *testing.T) {
	// Python's json.dumps spacing and a \u escape: bytes a re-encode would change.
	first := `{"alarm_id": "a1", "alarm_definition_id": "d1", "alarm_name": "caf\u00e9", "alarm_description": "", "alarm_timestamp": 1556703552, "state": "ALARM", "old_state": "OK", "message": "m", "tenant_id": "t1", "metrics": [{"id": null, "name": "cpu.idle_perc", "dimensions": {"hostname": "web1"}}]}`
	second := strings.Replace(first, `"state": "ALARM", "old_state": "OK"`, `"state": "OK", "old_state": "ALARM"`, 1)
	file := saveDeliveries(t, first, second)

	var mu sync.Mutex
	var seen []seenRequest
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		mu.Lock()
		seen = append(seen, seenRequest{b, req.Header.Clone()})
		mu.Unlock()
	}))
	defer consumer.Close()

	code, out, errOut := runCLI(t, "send", consumer.URL+"/openstack/alerts", "--replay", file, "--repeat", "2", "--every", "1ms")
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 4 || strings.Count(out, "delivered") != 4 || !strings.Contains(out, "send 4/4") {
		t.Fatalf("consumer saw %d requests, stdout %q; want the 2 saved deliveries twice", len(seen), out)
	}
	for i, want := range []string{first, second, first, second} {
		if !bytes.Equal(seen[i].body, []byte(want)) {
			t.Errorf("send %d body %s, want the saved bytes %s", i+1, seen[i].body, want)
		}
		h := seen[i].header
		if h.Get("X-Auth-Token") != receiver.Redacted || h.Get("User-Agent") != webhook.UserAgent || h.Get("Content-Type") != webhook.ContentType {
			t.Errorf("send %d headers %v: want the saved ones, the token still redacted", i+1, h)
		}
	}
	if strings.Contains(out+errOut, "gAAAAsecret") {
		t.Error("the secret token shows")
	}
}

func TestSendReplayRefusesWhatItCannotReplay(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	if err := os.WriteFile(bad, []byte("{\"seq\":1,\"body\":{}}\nnot json\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := saveDeliveries(t, `{"a": 1}`)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--replay", bad}, "line 2: not a listen --save record"},
		{[]string{"--replay", filepath.Join(t.TempDir(), "none.jsonl")}, "--replay"},
		{[]string{"--replay", good, "--state", "OK"}, "--state shapes a new body"},
	} {
		code, _, errOut := runCLI(t, append([]string{"send", "http://127.0.0.1:9/x"}, tc.args...)...)
		if code != exitcode.Of(exitcode.Usage) || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
}

// A consumer that refuses a replayed delivery fails the replay (exit 1),
// naming the send, the saved delivery and the consumer's words.
func TestSendReplayExitsOneWhenTheConsumerRefuses(t *testing.T) {
	file := saveDeliveries(t, `{"a": 1}`)
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte("unknown payload"))
	}))
	defer consumer.Close()
	code, _, errOut := runCLI(t, "send", consumer.URL, "--replay", file, "--timeout", time.Second.String())
	if code != exitcode.Of(exitcode.Fail) || !strings.Contains(errOut, "send 1 of 1, saved delivery #1") || !strings.Contains(errOut, "400 Bad Request, not 2xx: unknown payload") {
		t.Errorf("exit %d stderr %q", code, errOut)
	}
}
