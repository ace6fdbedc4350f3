package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-runewidth"
	"github.com/monhook/monhook/internal/clock"
	"github.com/monhook/monhook/internal/testcert"
	"github.com/monhook/monhook/receiver"

	"github.com/monhook/monhook/receiver/jsonl"
)

func TestNewCmdListen(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    func(o *listenOptions) bool
		wantErr string
	}{
		{
			name: "defaults",
			args: "",
			want: func(o *listenOptions) bool {
				return o.Listen == "" && o.RespondStatus == 200 && o.MaxBody == 1<<20 && o.SaveMaxSize == 100<<20 && o.SaveKeep == 5 && o.Output == "table"
			},
		},
		{
			name: "every flag",
			args: "--listen :8080 --callback-url https://h.example:8443 --route-to monasca:8070 --token abc --tls-cert CERT --tls-key KEY " +
				"--respond-status 202 --fail-first 2 --delay 1500ms --max-body 64KiB --save d.jsonl --save-max-size 10MiB --save-keep 3 --fsync --forward-to http://c/",
			want: func(o *listenOptions) bool {
				return o.Listen == ":8080" && o.CallbackURL == "https://h.example:8443" && o.RouteTo == "monasca:8070" && o.Token == "abc" &&
					strings.HasSuffix(o.TLSCert, ".pem") && strings.HasSuffix(o.TLSKey, ".pem") && o.TLSCert != o.TLSKey && o.RespondStatus == 202 && o.FailFirst == 2 &&
					o.Delay == 1500*time.Millisecond && o.MaxBody == 64<<10 && o.Save == "d.jsonl" &&
					o.SaveMaxSize == 10<<20 && o.SaveKeep == 3 && o.Fsync && o.ForwardTo == "http://c/"
			},
		},
		{name: "cert without key", args: "--tls-cert c.pem", wantErr: "--tls-cert and --tls-key go together"},
		{name: "status out of range", args: "--respond-status 42", wantErr: "not an HTTP status"},
		{name: "negative fail-first", args: "--fail-first -1", wantErr: "--fail-first"},
		{name: "negative delay", args: "--delay -1s", wantErr: "--delay"},
		{name: "bad size", args: "--save x --save-max-size lots", wantErr: "--save-max-size"},
		{name: "rotation without save", args: "--save-keep 2", wantErr: "need --save"},
		{name: "fsync without save", args: "--fsync", wantErr: "need --save"},
		{name: "zero max body", args: "--max-body 0", wantErr: "--max-body"},
		{name: "positional argument", args: "extra", wantErr: `"extra"`},
		{name: "path and token", args: "--path /a --token t", wantErr: "exclude each other"},
		{name: "relative path", args: "--path alerts", wantErr: "must start with /"},
		{name: "best effort without forward", args: "--forward-best-effort", wantErr: "needs --forward-to"},
		{
			name: "operator habits",
			args: "--path /openstack/alerts --full --forward-to http://c/ --forward-best-effort",
			want: func(o *listenOptions) bool {
				return o.Path == "/openstack/alerts" && o.Full && o.ForwardBestEffort
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			streams, _, _ := TestStreams()
			f := &Factory{IO: streams, Global: &GlobalOptions{Output: "table"}}
			var got *listenOptions
			cmd := NewCmdListen(f, func(_ context.Context, o *listenOptions) error { got = o; return nil })
			// The pair is loaded while validating: real files stand in.
			certFile, keyFile, _ := testcert.SelfSigned(t)
			cmd.SetArgs(strings.Fields(strings.NewReplacer("CERT", certFile, "KEY", keyFile).Replace(tt.args)))
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			err := cmd.Execute()
			if tt.wantErr != "" {
				var ee *ExitError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tt.wantErr)
				}
				if !errors.As(err, &ee) || ee.Code != 2 {
					t.Fatalf("err = %#v, want a usage error (exit 2)", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.want(got) {
				t.Fatalf("parsed options = %+v", got)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "4096": 4096, "512KiB": 512 << 10, "100MiB": 100 << 20, "1GiB": 1 << 30, "1.5MiB": 3 << 19, "2kB": 2000, "1M": 1000000} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "-1", "12 parsecs", "9EiB"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) succeeded", in)
		}
	}
}

// classicCurlBody is the test payload from the old hand-written receiver
// recipes: accepted, shown, and flagged.
const classicCurlBody = `{"alarm_id": "1234", "alarm_definition_id": "5678", "alarm_name": "test", "alarm_description": "", "alarm_timestamp": "1234", "state": "ALARM", "old_state": "OK", "message": "test", "tenant_id": "1234", "metrics": "1234"}`

const monascaBody = `{"alarm_id":"20a54a65","alarm_definition_id":"78ce7b53","alarm_name":"cpu high","alarm_description":"","alarm_timestamp":1556703552,"state":"ALARM","old_state":"UNDETERMINED","message":"Thresholds were exceeded","tenant_id":"62f7a7a3","metrics":[{"id":null,"name":"cpu.idle_perc","dimensions":{"hostname":"h1"}}]}`

// runListen runs listenRun until send has posted its requests, then cancels
// the context as SIGINT would.
func runListen(t *testing.T, o *listenOptions, send func(t *testing.T, url string)) error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o.Listen = "127.0.0.1:0"
	if o.RespondStatus == 0 {
		o.RespondStatus = 200
	}
	if o.MaxBody == 0 {
		o.MaxBody = 1 << 20
	}
	o.Clock = clock.Real{}
	o.ready = func(r *receiver.Receiver) {
		send(t, r.CallbackURL())
		cancel()
	}
	return listenRun(ctx, o)
}

// testClient bounds every request of these tests: a receiver that never
// answers fails the test instead of hanging it.
var testClient = &http.Client{Timeout: 30 * time.Second}

// postJSON posts body and returns the status; it fails the test, so call
// it only from the test's goroutine (postJSONStatus from others).
func postJSON(t *testing.T, url, body string) int {
	t.Helper()
	code, err := postJSONStatus(url, body)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// postJSONStatus posts body and returns the status or the error, for
// goroutines, which must not call t.Fatal.
func postJSONStatus(url, body string) (int, error) {
	resp, err := testClient.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func TestListenRun(t *testing.T) {
	tests := []struct {
		name       string
		output     string
		tty        bool
		wantStdout []string // substrings, one slice entry per delivery line
	}{
		{
			name:   "readable lines on a TTY",
			output: "table", tty: true,
			wantStdout: []string{
				`UNDETERMINED → ALARM  "cpu high"  alarm 20a54a65  def 78ce7b53  cpu.idle_perc{hostname=h1}  from 127.0.0.1:`,
				`OK → ALARM  "test"  alarm 1234  def 5678  `,
			},
		},
		{
			name:   "readable lines in a pipe",
			output: "table",
			wantStdout: []string{
				`UNDETERMINED -> ALARM  "cpu high"  alarm 20a54a65  def 78ce7b53  cpu.idle_perc{hostname=h1}`,
				`findings: alarm_timestamp is a string, want an integer (seconds); metrics is a string, want a list of objects`,
			},
		},
		{
			name:       "one JSON object per line",
			output:     "json",
			wantStdout: []string{`"alarm_definition_id":"78ce7b53"`, `"code":"wrong-type","key":"metrics"`},
		},
	}
	t.Setenv("COLUMNS", "300") // one line per delivery even on the TTY
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			streams, stdout, stderr := TestStreams()
			streams.SetStdoutTTY(tt.tty)
			o := &listenOptions{IO: streams, Output: tt.output, Token: "tok"}
			err := runListen(t, o, func(t *testing.T, url string) {
				if code := postJSON(t, url, monascaBody); code != 200 {
					t.Errorf("Monasca body answered %d", code)
				}
				if code := postJSON(t, url, classicCurlBody); code != 200 {
					t.Errorf("classic curl body answered %d, want accepted", code)
				}
				if code := postJSON(t, strings.TrimSuffix(url, "/tok")+"/other", monascaBody); code != 404 {
					t.Errorf("other path answered %d", code)
				}
			})
			if err != nil {
				t.Fatalf("listenRun = %v, want nil after cancellation (exit 0)", err)
			}
			lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
			if len(lines) != 2 {
				t.Fatalf("stdout has %d lines, want 2 (strays go to stderr):\n%s", len(lines), stdout)
			}
			for i, want := range tt.wantStdout {
				if !strings.Contains(lines[i], want) {
					t.Errorf("line %d = %q, want it to contain %q", i+1, lines[i], want)
				}
			}
			if tt.output == "table" && !strings.HasSuffix(lines[0], "  ok") {
				t.Errorf("a Monasca-shaped delivery should read ok: %q", lines[0])
			}
			if tt.output == "json" {
				for _, l := range lines {
					var v map[string]any
					if err := json.Unmarshal([]byte(l), &v); err != nil {
						t.Errorf("not JSON: %q", l)
					}
				}
			}
			errLines := strings.Split(stderr.String(), "\n")
			if !strings.HasPrefix(errLines[0], "ready http://127.0.0.1:") || !strings.HasSuffix(errLines[0], "/tok") {
				t.Errorf("first stderr line = %q, want ready <callback-url>", errLines[0])
			}
			if !strings.Contains(stderr.String(), "stray: POST /other") || !strings.Contains(stderr.String(), "stopped: 2 deliveries, 1 stray") {
				t.Errorf("stderr = %q", stderr)
			}
		})
	}
}

func TestListenSavesEveryAcknowledgedDeliveryAcrossRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.jsonl")
	streams, _, stderr := TestStreams()
	o := &listenOptions{IO: streams, Output: "table", Save: path, SaveMaxSize: 2048, SaveKeep: 100, FailFirst: 1}
	acked := 0
	err := runListen(t, o, func(t *testing.T, url string) {
		for range 20 {
			if postJSON(t, url, monascaBody) == 200 {
				acked++
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(path + "*")
	if len(files) < 3 {
		t.Fatalf("files = %v, want rotation", files)
	}
	saved, statuses := 0, map[float64]int{}
	for _, p := range files {
		f, _ := os.Open(p)
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var rec struct{ Status float64 }
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			statuses[rec.Status]++
			saved++
		}
		f.Close()
	}
	// --fail-first 1: the first delivery is saved with the 500 we answered.
	if acked != 19 || saved != 20 || statuses[200] != acked || statuses[500] != 1 {
		t.Fatalf("acked %d, saved %d, statuses %v", acked, saved, statuses)
	}
	if !strings.Contains(stderr.String(), "20 saved to "+path) {
		t.Fatalf("stderr = %q", stderr)
	}
}

func TestListenFailsToStartOnABusyPort(t *testing.T) {
	streams, _, _ := TestStreams()
	first := &listenOptions{IO: streams, Output: "table", RespondStatus: 200, MaxBody: 1 << 20}
	err := runListen(t, first, func(t *testing.T, url string) {
		addr := strings.TrimPrefix(url, "http://")
		addr = addr[:strings.Index(addr, "/")]
		second := &listenOptions{IO: streams, Output: "table", Listen: addr, RespondStatus: 200, MaxBody: 1 << 20, Clock: clock.Real{}}
		err := listenRun(context.Background(), second)
		var ee *ExitError
		if !errors.As(err, &ee) || ee.Code != 3 {
			t.Errorf("second listener: %v, want exit 3", err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestListenYAMLWritesOneDocumentPerDelivery(t *testing.T) {
	streams, stdout, _ := TestStreams()
	o := &listenOptions{IO: streams, Output: "yaml", Token: "tok"}
	err := runListen(t, o, func(t *testing.T, url string) {
		postJSON(t, url, monascaBody)
		postJSON(t, url, classicCurlBody)
	})
	if err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(stdout.String(), "---\n")
	if len(docs) != 3 || docs[0] != "" {
		t.Fatalf("stdout = %q, want two YAML documents", stdout)
	}
	if !strings.Contains(docs[1], "alarm_definition_id: 78ce7b53") || !strings.Contains(docs[2], "code: wrong-type") {
		t.Fatalf("documents = %q", docs)
	}
	// Integers stay integers (not 1.556703552e+09), keys keep the JSON order.
	if !strings.Contains(docs[1], "alarm_timestamp: 1556703552\n") || strings.Index(docs[1], "seq:") > strings.Index(docs[1], "body:") {
		t.Errorf("document = %s", docs[1])
	}
}

// TestListenPathServesTheClassicRecipe: existing notification methods point
// at a fixed path; the recipe's curl to it is a delivery, and a wrong path's
// 404 tells where to post.
func TestListenPathServesTheClassicRecipe(t *testing.T) {
	streams, stdout, stderr := TestStreams()
	o := &listenOptions{IO: streams, Output: "table", Path: "/openstack/alerts", Full: true}
	var wrongBody string
	var callback string
	err := runListen(t, o, func(t *testing.T, url string) {
		callback = url
		if !strings.HasSuffix(url, "/openstack/alerts") {
			t.Errorf("callback URL %q, want the fixed path", url)
		}
		if code := postJSON(t, url, monascaBody); code != 200 {
			t.Errorf("delivery answered %d", code)
		}
		resp, err := http.Post(strings.TrimSuffix(url, "/openstack/alerts")+"/alerts", "application/json", strings.NewReader(monascaBody))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("wrong path answered %d", resp.StatusCode)
		}
		wrongBody = string(b)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(wrongBody, "POST "+callback) {
		t.Errorf("404 body %q does not name %s", wrongBody, callback)
	}
	out := stdout.String()
	if !strings.Contains(out, `"cpu high"  alarm 20a54a65`) || !strings.Contains(out, "\n  {\n    \"alarm_id\": \"20a54a65\",") {
		t.Errorf("--full stdout = %q, want the line then the indented body", out)
	}
	if !strings.Contains(stderr.String(), "stopped: 1 delivery, 1 stray") {
		t.Errorf("stderr %q", stderr)
	}
}

// --fsync, --save-max-size and --save-keep reach the writer: a flag
// dropped on the way would change nothing visible in the file.
func TestListenPassesTheSaveOptionsThrough(t *testing.T) {
	var got jsonl.Options
	errStop := errors.New("stop here")
	old := openSave
	t.Cleanup(func() { openSave = old })
	openSave = func(path string, opts jsonl.Options) (*jsonl.Writer, error) {
		got = opts
		return nil, errStop
	}
	path := filepath.Join(t.TempDir(), "d.jsonl")
	code, _, errOut := runCLI(t, "listen", "--listen", "127.0.0.1:0", "--save", path, "--fsync", "--save-max-size", "1MiB", "--save-keep", "3")
	if code != 2 || !strings.Contains(errOut, "stop here") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !got.Fsync || got.Keep != 3 || got.MaxSize != 1<<20 {
		t.Errorf("jsonl options %+v, want Fsync, Keep 3, MaxSize 1MiB", got)
	}
	_, _, _ = runCLI(t, "listen", "--listen", "127.0.0.1:0", "--save", path)
	if got.Fsync {
		t.Errorf("--fsync is on without the flag: %+v", got)
	}
}

// On a terminal each delivery fits its width, wrapped between fields and
// never inside an id or a metric; a pipe keeps one line per delivery.
func TestListenDeliveryLinesFitTheTerminal(t *testing.T) {
	t.Setenv("COLUMNS", "80")
	for _, tty := range []bool{true, false} {
		streams, stdout, _ := TestStreams()
		streams.SetStdoutTTY(tty)
		o := &listenOptions{IO: streams, Output: "table", Token: "tok"}
		body := strings.Replace(monascaBody, `"hostname":"h1"`, `"hostname":"compute-0042.region-one.example.org","service":"nova"`, 1)
		err := runListen(t, o, func(t *testing.T, url string) {
			if code := postJSON(t, url, body); code != 200 {
				t.Errorf("answered %d", code)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		out := strings.TrimSuffix(stdout.String(), "\n")
		lines := strings.Split(out, "\n")
		if !tty {
			if len(lines) != 1 {
				t.Errorf("a pipe got %d lines for one delivery:\n%s", len(lines), out)
			}
			continue
		}
		if len(lines) < 2 {
			t.Errorf("the TTY line was not wrapped:\n%s", out)
		}
		for _, l := range lines {
			if n := runewidth.StringWidth(l); n > 80 {
				t.Errorf("line of %d columns: %q", n, l)
			}
		}
		for _, whole := range []string{`"cpu high"`, "cpu.idle_perc{hostname=compute-0042.region-one.example.org,service=nova}", "alarm 20a54a65", "def 78ce7b53"} {
			if !strings.Contains(out, whole) {
				t.Errorf("%q is split:\n%s", whole, out)
			}
		}
	}
}
