package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// childArgsEnv carries the command line of a monhook run in a child
// process: the test binary re-executed, running TestMonhookChildProcess.
const childArgsEnv = "MONHOOK_TEST_CHILD_ARGS"

// TestMonhookChildProcess is not a test of its own: it is monhook in a child
// process for the tests that must kill it.
func TestMonhookChildProcess(t *testing.T) {
	args := os.Getenv(childArgsEnv)
	if args == "" {
		t.Skip("runs only as the child process of another test")
	}
	os.Exit(Run(context.Background(), System(), strings.Split(args, "\n")))
}

// startListenProcess runs `monhook listen ARGS` in a child process and
// returns its callback URL once it is ready. The child is killed at the end
// of the test if it is still running.
func startListenProcess(t *testing.T, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMonhookChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), childArgsEnv+"="+strings.Join(append([]string{"listen"}, args...), "\n"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if url, ok := strings.CutPrefix(sc.Text(), "ready "); ok {
				ready <- url
			}
		}
		close(ready)
	}()
	select {
	case url, ok := <-ready:
		if !ok {
			t.Fatal("monhook listen exited before it was ready")
		}
		return cmd, url
	case <-time.After(30 * time.Second):
		t.Fatal("monhook listen not ready within 30 s")
	}
	return nil, ""
}

// deliveryBody is monascaBody with its own alarm id, to find it in the file.
func deliveryBody(id string) string {
	return strings.Replace(monascaBody, `"alarm_id":"20a54a65"`, `"alarm_id":"`+id+`"`, 1)
}

// savedAlarmIDs reads the alarm ids of every record in a --save file,
// failing on a line that is not JSON.
func savedAlarmIDs(t *testing.T, path string) map[string]int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ids := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		var rec struct {
			Notification struct {
				AlarmID string `json:"alarm_id"`
			} `json:"notification"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("%s: line %q: %v", path, sc.Text(), err)
		}
		ids[rec.Notification.AlarmID]++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// killed kills the child with SIGKILL: no signal handler, no deferred
// close, nothing flushed.
func killed(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child ended with %v, want killed by SIGKILL", err)
	}
}

// TestKilledListenKeepsEveryAcknowledgedDelivery: N deliveries answered 200,
// then kill -9: the file holds all N. Monasca never retries a 200, so an
// acknowledged delivery missing from the file would be lost for good.
func TestKilledListenKeepsEveryAcknowledgedDelivery(t *testing.T) {
	for _, extra := range [][]string{nil, {"--fsync"}} {
		t.Run("save"+strings.Join(extra, ""), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "d.jsonl")
			cmd, url := startListenProcess(t, append([]string{"--listen", "127.0.0.1:0", "--token", "tok", "--save", path}, extra...)...)
			const n = 50
			var wg sync.WaitGroup
			codes := make(chan int, n)
			for i := range n {
				wg.Go(func() {
					code, err := postJSONStatus(url, deliveryBody(fmt.Sprint("a-", i)))
					if err != nil {
						t.Error(err) // not Fatal: this is not the test's goroutine
					}
					codes <- code
				})
			}
			wg.Wait()
			close(codes)
			for c := range codes {
				if c != http.StatusOK {
					t.Fatalf("a delivery answered %d, want 200", c)
				}
			}
			killed(t, cmd)
			ids := savedAlarmIDs(t, path)
			for i := range n {
				if id := fmt.Sprint("a-", i); ids[id] != 1 {
					t.Errorf("acknowledged delivery %s is in the file %d times, want once", id, ids[id])
				}
			}
			if len(ids) != n {
				t.Errorf("file holds %d deliveries, want %d", len(ids), n)
			}
		})
	}
}

// TestKilledListenNeverAcknowledgesAnUnwrittenDelivery catches "answer,
// then write": --save goes to a FIFO whose buffer the test shrinks to one
// page and never reads until the end, so after a few records every write
// waits. A listener that writes before it answers then stops answering; one
// that answers first keeps acknowledging deliveries that are not written.
// After kill -9, what the FIFO holds is everything that was ever written,
// and every acknowledged delivery must be in it.
func TestKilledListenNeverAcknowledgesAnUnwrittenDelivery(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	reader, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	const fSetPipeSz = 1031 // F_SETPIPE_SZ (Linux)
	raw, err := reader.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var capacity int
	_ = raw.Control(func(fd uintptr) {
		r, _, errno := syscall.Syscall(syscall.SYS_FCNTL, fd, fSetPipeSz, 4096)
		if errno == 0 {
			capacity = int(r)
		}
	})
	if capacity == 0 {
		t.Skip("cannot size the FIFO's buffer (F_SETPIPE_SZ)")
	}
	cmd, url := startListenProcess(t, "--listen", "127.0.0.1:0", "--token", "tok", "--save", path)
	// A record is about 1 KiB: 20 of them are five times the buffer. The
	// client's timeout only ends the first post that is (rightly) not
	// answered; it decides nothing.
	client := &http.Client{Timeout: 2 * time.Second}
	var acked []string
	for i := range 20 {
		id := fmt.Sprint("f-", i)
		resp, err := client.Post(url, "application/json", strings.NewReader(deliveryBody(id)))
		if err != nil {
			break // waiting for its write: not acknowledged
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			acked = append(acked, id)
		}
	}
	killed(t, cmd)
	_ = reader.SetReadDeadline(time.Now().Add(10 * time.Second)) // the writer is dead: EOF comes at once
	written, err := io.ReadAll(reader)
	if err != nil {
		t.Fatalf("reading the FIFO: %v", err)
	}
	ids := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(string(written)))
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		var rec struct {
			Notification struct {
				AlarmID string `json:"alarm_id"`
			} `json:"notification"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) == nil {
			ids[rec.Notification.AlarmID] = true
		}
	}
	if len(acked) == 0 {
		t.Fatal("no delivery acknowledged: the FIFO did not take even one record")
	}
	for _, id := range acked {
		if !ids[id] {
			t.Errorf("delivery %s was acknowledged but never written (%d acknowledged, %d written)", id, len(acked), len(ids))
		}
	}
}

// TestListenKilledUnderLoadKeepsWhatItAcknowledged: kill -9 while 8
// senders are mid-request. Requests cut off may or may not be in the file
// (the sender got no answer and Monasca would retry), but every one answered
// 200 is.
func TestListenKilledUnderLoadKeepsWhatItAcknowledged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.jsonl")
	cmd, url := startListenProcess(t, "--listen", "127.0.0.1:0", "--token", "tok", "--save", path, "--fsync")
	client := &http.Client{Timeout: 30 * time.Second}
	var mu sync.Mutex
	var acked []string
	enough := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				id := fmt.Sprintf("g%d-%d", g, i)
				resp, err := client.Post(url, "application/json", strings.NewReader(deliveryBody(id)))
				if err != nil {
					return // the receiver is gone
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("delivery %s answered %d", id, resp.StatusCode)
					return
				}
				mu.Lock()
				acked = append(acked, id)
				if len(acked) == 200 {
					once.Do(func() { close(enough) })
				}
				mu.Unlock()
			}
		})
	}
	select {
	case <-enough:
	case <-time.After(60 * time.Second):
		t.Fatal("fewer than 200 deliveries acknowledged in 60 s")
	}
	killed(t, cmd)
	wg.Wait()
	ids := savedAlarmIDs(t, path)
	for _, id := range acked {
		if ids[id] != 1 {
			t.Errorf("acknowledged delivery %s is in the file %d times, want once", id, ids[id])
		}
	}
	t.Logf("%d acknowledged, %d in the file", len(acked), len(ids))
}

// TestListenAnswers503WhenTheDeliveryCannotBeSaved: on a full disk the
// delivery is not acknowledged, so Monasca sends it again.
func TestListenAnswers503WhenTheDeliveryCannotBeSaved(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	streams, stdout, stderr := TestStreams()
	o := &listenOptions{IO: streams, Output: "table", Token: "tok", Save: "/dev/full"}
	err := runListen(t, o, func(t *testing.T, url string) {
		if code := postJSON(t, url, monascaBody); code != http.StatusServiceUnavailable {
			t.Errorf("delivery on a full disk answered %d, want 503", code)
		}
	})
	if err != nil {
		t.Errorf("listen = %v, want a clean stop (nothing was acknowledged, nothing is lost)", err)
	}
	if !strings.Contains(stdout.String(), "answered 503") || !strings.Contains(stdout.String(), "could not save the delivery") {
		t.Errorf("stdout = %q, want the delivery shown as answered 503, not saved", stdout)
	}
	if !strings.Contains(stderr.String(), "0 saved to /dev/full") {
		t.Errorf("stderr = %q, want 0 saved", stderr)
	}
}

// TestCheckSaveWritesEveryDeliveryOfTheRun: check --save FILE keeps the
// run's deliveries, one JSON line each, in FILE (as listen --save does).
func TestCheckSaveWritesEveryDeliveryOfTheRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "deliveries.jsonl")
	code, stdout, stderr := runCLI(t, "check", "--lab", "-s", "synthetic", "--save", path, "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	var rep struct {
		RunID      string            `json:"run_id"`
		Deliveries []json.RawMessage `json:"deliveries"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, stdout)
	}
	ids := savedAlarmIDs(t, path)
	saved := 0
	for _, n := range ids {
		saved += n
	}
	if len(rep.Deliveries) == 0 || saved != len(rep.Deliveries) {
		t.Fatalf("saved %d deliveries, the report lists %d", saved, len(rep.Deliveries))
	}
}
