package cli

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"github.com/monhook/monhook/exitcode"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/clock"
	"github.com/monhook/monhook/receiver"
	"github.com/monhook/monhook/webhook"
)

func sendOptionsFor(t *testing.T, args ...string) (*sendOptions, error) {
	t.Helper()
	streams, _, _ := TestStreams()
	f := &Factory{IO: streams, Global: &GlobalOptions{Output: "table"}}
	var got *sendOptions
	cmd := NewCmdSend(f, func(_ context.Context, o *sendOptions) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	return got, cmd.Execute()
}

func TestSendFlagsBuildTheBody(t *testing.T) {
	o, err := sendOptionsFor(t, "http://h:1/p", "--state", "ok", "--old-state", "ALARM", "--alarm-name", "cpu high",
		"--definition-id", "d1", "--alarm-id", "a1", "--tenant", "t1", "--metric", "disk.space_used_perc",
		"--dimension", "hostname=web1", "--dimension", "mount=/var", "--timestamp", "1556703552", "--origin", "api",
		"--repeat", "3", "--every", "60s", "--retries", "5", "--retry-interval", "30s", "--timeout", "2s")
	if err != nil {
		t.Fatal(err)
	}
	b := o.Body
	if b.State != "OK" || b.OldState != "ALARM" || b.AlarmName != "cpu high" || b.AlarmDefinitionID != "d1" ||
		b.AlarmID != "a1" || b.TenantID != "t1" || b.AlarmTimestamp != 1556703552 || b.Origin != webhook.FromAPI ||
		b.Message != webhook.APIReason {
		t.Errorf("body = %+v", b)
	}
	m := b.Metrics[0]
	if m.Name != "disk.space_used_perc" || len(m.Dimensions) != 2 || m.Dimensions[0] != (webhook.Dimension{Key: "hostname", Value: "web1"}) || m.Dimensions[1].Key != "mount" {
		t.Errorf("metric = %+v, want the flags' order", m)
	}
	if o.Repeat != 3 || o.Every != time.Minute || o.Retries != 5 || o.RetryInterval != 30*time.Second || o.Timeout != 2*time.Second {
		t.Errorf("options = %+v", o)
	}
}

func TestSendDefaultsAreMonascaShaped(t *testing.T) {
	o, err := sendOptionsFor(t, "http://h:1/p")
	if err != nil {
		t.Fatal(err)
	}
	b := o.Body
	if b.State != "ALARM" || b.OldState != "UNDETERMINED" || len(b.AlarmID) != 36 || len(b.TenantID) != 32 ||
		!strings.HasPrefix(b.Message, "Thresholds were exceeded for the sub-alarms: avg(cpu.idle_perc{hostname=") ||
		b.Metrics[0].Dimensions[0].Key != "hostname" || b.AlarmTimestamp < 1e9 || b.AlarmTimestamp > 1e11 {
		t.Errorf("defaults = %+v", b)
	}
	// Literals: monasca-notification's 5 s webhook timeout and 30 s retry interval.
	if o.Retries != 0 || o.Repeat != 1 || o.Timeout != 5*time.Second || o.RetryInterval != 30*time.Second {
		t.Errorf("options = %+v", o)
	}
}

func TestSendUsageErrorsExitTwo(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "one argument"},
		{[]string{"localhost:8080/hook"}, "absolute http or https URL"},
		{[]string{"ftp://h/x"}, "absolute http or https URL"},
		{[]string{"http://h/", "--state", "FIRING"}, `--state "FIRING"`},
		{[]string{"http://h/", "--old-state", "x"}, "--old-state"},
		{[]string{"http://h/", "--dimension", "hostname"}, "KEY=VALUE"},
		{[]string{"http://h/", "--origin", "kafka"}, "--origin"},
		{[]string{"http://h/", "--repeat", "0"}, "--repeat"},
		{[]string{"http://h/", "--retries", "-1"}, "--retries"},
		{[]string{"http://h/", "--timeout", "0s"}, "--timeout"},
		{[]string{"http://h/", "--timestamp", "1556703552000"}, "milliseconds"},
	} {
		_, err := sendOptionsFor(t, tc.args...)
		var ee *ExitError
		if !errors.As(err, &ee) || ee.Code != exitcode.Of(exitcode.Usage) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("send %q: err = %v, want exit 2 naming %s", tc.args, err, tc.want)
		}
	}
}

// TestSendIsCleanInListen is the bar: what send posts, a real
// `monhook listen` (in-process, on a socket) reports with nothing to flag,
// for both shapes, and the body it received is byte for byte the encoding.
func TestSendIsCleanInListen(t *testing.T) {
	for _, origin := range []string{"thresh", "api"} {
		t.Run(origin, func(t *testing.T) {
			streams, stdout, _ := TestStreams()
			o := &listenOptions{IO: streams, Output: "table", Token: "tok"}
			var code int
			var sendOut, sendErr string
			rcv, err := runListenWith(t, o, func(t *testing.T, url string) {
				code, sendOut, sendErr = runCLI(t, "send", url, "--origin", origin, "--alarm-name", "prüfung <cpu>", "--dimension", "hostname=web1", "--alarm-id", "a1")
			})
			if err != nil {
				t.Fatal(err)
			}
			if code != 0 {
				t.Fatalf("send exit %d\nstdout %s\nstderr %s", code, sendOut, sendErr)
			}
			if !strings.HasPrefix(sendOut, "delivered 200 OK") {
				t.Errorf("send stdout = %q, want the answer's status first", sendOut)
			}
			ds := rcv.Deliveries()
			if len(ds) != 1 {
				t.Fatalf("listen got %d deliveries", len(ds))
			}
			d := ds[0]
			if len(d.Findings) != 0 {
				t.Errorf("listen flagged %+v", d.Findings)
			}
			if !strings.HasSuffix(strings.TrimSpace(stdout.String()), "ok") {
				t.Errorf("listen line = %q, want ok", stdout)
			}
			if !strings.Contains(string(d.Body), `"alarm_name": "pr\u00fcfung <cpu>"`) || !strings.HasPrefix(string(d.Body), `{"alarm_id": "a1", "alarm_definition_id": `) {
				t.Errorf("body on the wire = %s, want Python's encoding in the plugin's key order", d.Body)
			}
			wantID := origin == "thresh"
			if got := strings.Contains(string(d.Body), `"id": null`); got != wantID {
				t.Errorf("metrics carry id: %v, want %v for %s", got, wantID, origin)
			}
			for k, want := range map[string]string{"User-Agent": "python-requests/2.28.1", "Accept": "*/*", "Accept-Encoding": "gzip, deflate", "Content-Type": "application/json"} {
				if got := d.Headers.Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

// runListenWith runs listenRun like runListen and also returns the
// receiver it started, to read what it recorded.
func runListenWith(t *testing.T, o *listenOptions, send func(t *testing.T, url string)) (*receiver.Receiver, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o.Listen, o.RespondStatus, o.MaxBody, o.Clock = "127.0.0.1:0", 200, 1<<20, clock.Real{}
	var r *receiver.Receiver
	o.ready = func(started *receiver.Receiver) {
		r = started
		send(t, started.CallbackURL())
		cancel()
	}
	err := listenRun(ctx, o)
	return r, err
}

func TestSendExitsOneOnNon2xxAndRetriesLikeMonasca(t *testing.T) {
	var n atomic.Int64
	failFirst := int64(0)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= atomic.LoadInt64(&failFirst) {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()

	atomic.StoreInt64(&failFirst, 1)
	code, out, errOut := runCLI(t, "send", srv.URL)
	if code != exitcode.Of(exitcode.Fail) || !strings.HasPrefix(out, "failed    503 Service Unavailable") || !strings.Contains(errOut, "not delivered: the consumer answered 503 Service Unavailable") {
		t.Errorf("one 503, no retries: exit %d, stdout %q, stderr %q; want exit 1", code, out, errOut)
	}

	n.Store(0)
	atomic.StoreInt64(&failFirst, 2)
	code, out, _ = runCLI(t, "send", srv.URL, "--retries", "5", "--retry-interval", "1ms", "-o", "json")
	var rep sendReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("-o json: %v\n%s", err, out)
	}
	if code != 0 || !rep.OK || len(rep.Sends) != 1 || len(rep.Sends[0].Attempts) != 3 || rep.Sends[0].Attempts[2].Status != 200 || n.Load() != 3 {
		t.Errorf("two 503s then 200 with --retries 5: exit %d, report %+v, server saw %d", code, rep, n.Load())
	}
	if !json.Valid(rep.Body) || rep.BodyBytes < 300 {
		t.Errorf("report body %s", rep.Body)
	}

	n.Store(0)
	atomic.StoreInt64(&failFirst, 0)
	code, out, _ = runCLI(t, "send", srv.URL, "--repeat", "3")
	if code != 0 || n.Load() != 3 || strings.Count(out, "delivered") != 3 || !strings.Contains(out, "send 3/3") {
		t.Errorf("--repeat 3: exit %d, server saw %d, stdout %q", code, n.Load(), out)
	}
}

func TestSendConnectionRefusedExitsOne(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/secret-token"
	srv.Close()
	code, out, errOut := runCLI(t, "send", url)
	if code != exitcode.Of(exitcode.Fail) || !strings.HasPrefix(out, "failed") || !strings.Contains(errOut, "not delivered: ") || !strings.Contains(errOut, "connection refused") {
		t.Errorf("exit %d stdout %q stderr %q, want 1, a failed attempt and 'not delivered: ... connection refused'", code, out, errOut)
	}
	if strings.Contains(out+errOut, "secret-token") {
		t.Errorf("output shows the URL's path (a receiver's secret): %s %s", out, errOut)
	}
}

// A consumer that never answers is reported as no answer within --timeout,
// in the attempt line, the -o json attempt and the error, not as a non-2xx.
func TestSendNamesTheTimeoutWhenNoAnswerComes(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	const want = "no answer within 100ms (--timeout)"

	code, out, errOut := runCLI(t, "send", srv.URL, "--timeout", "100ms")
	if code != exitcode.Of(exitcode.Fail) || !strings.HasPrefix(out, "failed    "+want) || !strings.Contains(errOut, "not delivered: "+want) {
		t.Errorf("table: exit %d stdout %q stderr %q; want 1 and %q", code, out, errOut, want)
	}

	code, out, errOut = runCLI(t, "send", srv.URL, "--timeout", "100ms", "-o", "json")
	var rep sendReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("-o json: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	var doc struct{ Error string }
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &doc); err != nil {
		t.Fatalf("-o json error document: %v\n%s", err, errOut)
	}
	if code != exitcode.Of(exitcode.Fail) || len(rep.Sends) != 1 || rep.Sends[0].Attempts[0].Error != want || !rep.Sends[0].Attempts[0].TimedOut || doc.Error != "not delivered: "+want {
		t.Errorf("-o json: exit %d, report %+v, error %q; want %q", code, rep, doc.Error, want)
	}
}

// TestSendVerifiesCertificatesLikeMonasca: a self-signed consumer fails (as
// it does for Monasca) with a hint; SSL_CERT_FILE makes it trusted.
func TestSendVerifiesCertificatesLikeMonasca(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	code, out, errOut := runCLI(t, "send", srv.URL+"/hook")
	if code != exitcode.Of(exitcode.Fail) || !strings.Contains(out, "certificate") || !strings.Contains(errOut, "SSL_CERT_FILE") {
		t.Errorf("self-signed consumer: exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
	certFile := filepath.Join(t.TempDir(), "cert.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(certFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	// Go reads SSL_CERT_FILE once per process; run the binary's logic in a
	// child so the variable takes effect.
	if os.Getenv("MONHOOK_SEND_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestSendTrustsSSLCertFile$")
		cmd.Env = append(os.Environ(), "MONHOOK_SEND_CHILD="+srv.URL, "SSL_CERT_FILE="+certFile)
		if b, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(b), "PASS") {
			t.Errorf("with SSL_CERT_FILE: %v\n%s", err, b)
		}
	}
}

// TestSendTrustsSSLCertFile is run as a child of the test above.
func TestSendTrustsSSLCertFile(t *testing.T) {
	url := os.Getenv("MONHOOK_SEND_CHILD")
	if url == "" {
		t.Skip("run by TestSendVerifiesCertificatesLikeMonasca")
	}
	if code, out, errOut := runCLI(t, "send", url+"/hook"); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}

// Interrupted between repeats, send still prints what it sent (-o json),
// and exits 3: the run did not complete.
func TestSendInterruptedBetweenRepeatsPrintsWhatWasSent(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		n.Add(1)
		cancel() // Ctrl-C during the first send: no second one comes
	}))
	defer srv.Close()
	o, err := sendOptionsFor(t, srv.URL, "--repeat", "2", "--every", "1h")
	if err != nil {
		t.Fatal(err)
	}
	streams, out, _ := TestStreams()
	o.IO, o.Output = streams, func() string { return "json" }
	done := make(chan error, 1)
	go func() { done <- sendRun(ctx, o) }()
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("send kept waiting for the next repeat after the interrupt")
	}
	var rep sendReport
	if jerr := json.Unmarshal(out.Bytes(), &rep); jerr != nil {
		t.Fatalf("stdout is not the report: %v\n%s", jerr, out)
	}
	if code := exitCode(context.Background(), err); code != exitcode.Of(exitcode.CannotRun) || len(rep.Sends) != 1 || n.Load() != 1 {
		t.Errorf("exit %d (%v), %d sends reported, server saw %d; want exit 3, 1 and 1", code, err, len(rep.Sends), n.Load())
	}
}

// monasca-thresh's OK reason lists values that no longer breach the
// threshold: the default message must not say "have not been exceeded ...
// < 10.0 with the values: [4.25]".
func TestSendDefaultMessageAgreesWithItsState(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--state", "OK", "--old-state", "ALARM"}, `have not been exceeded for the sub-alarms: avg(cpu.idle_perc{hostname=h1}) < 10.0 with the values: [87.5]`},
		{[]string{"--state", "ALARM"}, `Thresholds were exceeded for the sub-alarms: avg(cpu.idle_perc{hostname=h1}) < 10.0 with the values: [4.25]`},
		{[]string{"--state", "OK", "--old-state", "ALARM", "--threshold", "200"}, `< 200.0 with the values: [201.0]`},
		{[]string{"--state", "ALARM", "--threshold", "2"}, `< 2.0 with the values: [1.0]`},
		{[]string{"--state", "OK", "--old-state", "ALARM", "--value", "3"}, `with the values: [3.0]`},
	} {
		o, err := sendOptionsFor(t, append([]string{"http://h:1/p", "--dimension", "hostname=h1"}, tc.args...)...)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(o.Body.Message, tc.want) {
			t.Errorf("%v: message %q, want it to contain %q", tc.args, o.Body.Message, tc.want)
		}
	}
	// A --value on the wrong side is sent as asked, with a warning.
	code, _, errOut := runCLI(t, "send", "http://127.0.0.1:1/p", "--state", "OK", "--old-state", "ALARM", "--value", "3", "--timeout", "1ms")
	if code == 2 || !strings.Contains(errOut, "--value 3 with --threshold 10 contradicts --state OK") {
		t.Errorf("exit %d, stderr %q: want a warning about the contradiction", code, errOut)
	}
}
