//go:build e2e

package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/check/report"
)

// consumerProcess is an operator's own webhook consumer, run as a separate
// process from e2e/testdata: the recipe's Python receiver, or a Node app.
type consumerProcess struct {
	cmd   *exec.Cmd
	port  int
	lines chan string // stdout after the port line
}

// startConsumer runs name with args (the first argument "0": pick a free
// port) and waits for the port it prints once listening.
func startConsumer(t *testing.T, name string, args ...string) *consumerProcess {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("MONHOOK_E2E_CONSUMERS") == "1" {
			t.Fatalf("%s is not installed (.ci/run installs python3 and nodejs): %v", name, err)
		}
		t.Skipf("%s is not installed (MONHOOK_E2E_CONSUMERS=1 makes this a failure)", name)
	}
	cmd := exec.Command(name, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &consumerProcess{cmd: cmd, lines: make(chan string, 64)}
	t.Cleanup(func() { c.stop() })
	ready := make(chan int, 1)
	go func() {
		sc := bufio.NewScanner(out)
		first := true
		for sc.Scan() {
			if first {
				first = false
				p, _ := strconv.Atoi(strings.TrimSpace(sc.Text()))
				ready <- p
				continue
			}
			c.lines <- sc.Text()
		}
		close(c.lines)
	}()
	select {
	case c.port = <-ready:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s %v printed no port", name, args)
	}
	if c.port == 0 {
		t.Fatalf("%s %v did not start", name, args)
	}
	return c
}

func (c *consumerProcess) url(path string) string {
	return "http://127.0.0.1:" + strconv.Itoa(c.port) + path
}

func (c *consumerProcess) stop() {
	if c.cmd.ProcessState == nil {
		_ = c.cmd.Process.Kill()
		_ = c.cmd.Wait()
	}
}

// The recipe's Python receiver, run unchanged, is in the verdict: check
// --forward-to passes and the receiver's log holds this run's alarm; with
// the receiver stopped the same check exits 1 naming its URL.
func TestTheRecipesPythonReceiverIsInTheVerdict(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "webhook.log")
	py := startConsumer(t, "python3", filepath.Join("testdata", "recipe_receiver.py"), "0", logFile)
	url := py.url("/")
	args := []string{"check", "--lab", "-s", "synthetic", "--forward-to", url, "-o", "json"}

	r := runMonhook(t, baseEnv(), args...)
	rep := parseReport(t, r)
	if r.Code != 0 {
		t.Fatalf("exit %d, want 0: %s\n%s", r.Code, rep.Error, r.Stdout)
	}
	if len(rep.Deliveries) == 0 || rep.Deliveries[0].Consumer == nil || rep.Deliveries[0].Consumer.Status != 200 {
		t.Fatalf("deliveries %+v: want the receiver's 200 recorded", rep.Deliveries)
	}
	if c := stageNamed(rep, "consumer"); c.Status != report.StatusOK || !strings.Contains(c.Detail, url) {
		t.Errorf("consumer stage = %+v", c)
	}
	logged, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if id := rep.Deliveries[0].AlarmID; id == "" || !strings.Contains(string(logged), `"alarm_id": "`+id+`"`) {
		t.Errorf("the receiver's log does not hold alarm %s:\n%s", id, logged)
	}

	py.stop()
	r = runMonhook(t, baseEnv(), args...)
	rep = parseReport(t, r)
	if r.Code != 1 {
		t.Fatalf("receiver stopped: exit %d, want 1: %s", r.Code, rep.Error)
	}
	if !strings.Contains(rep.Error, url) || !strings.Contains(rep.Error, "connection refused") {
		t.Errorf("error %q does not name %s and the refusal", rep.Error, url)
	}
	if len(rep.Deliveries) < 2 || rep.Deliveries[0].ResponseStatus != 502 {
		t.Errorf("deliveries %+v: want Monasca answered 502 and retrying", rep.Deliveries)
	}
}

// Pointing --callback-url at the operator's receiver is caught by the
// self-test before a notification method is created: exit 3, nothing
// created in the lab, and the receiver never sees a notification.
func TestACallbackURLLeadingToAnotherReceiverIsCaughtBeforeCreating(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "webhook.log")
	py := startConsumer(t, "python3", filepath.Join("testdata", "recipe_receiver.py"), "0", logFile)
	lp := startLabProcess(t, "--speed", e2eSpeed)
	r := runMonhook(t, lp.Env(), "check", "-s", "synthetic", "--speed", e2eSpeed, "--callback-url", py.url("/"), "--debug")
	if r.Code != 3 {
		t.Fatalf("exit %d, want 3\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	for _, want := range []string{"callback self-test", py.url(""), "answered 200 OK", "Python", "--forward-to"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, r.Stdout)
		}
	}
	for _, line := range strings.Split(r.Stderr, "\n") {
		if strings.Contains(line, "<-- POST") && strings.Contains(line, "/notification-methods") && strings.Contains(line, " 201 ") {
			t.Errorf("a notification method was created: %s", line)
		}
	}
	if left := leftovers(t, lp); len(left) != 0 {
		t.Errorf("left in the lab: %+v", left)
	}
	py.stop()
	logged, _ := os.ReadFile(logFile)
	if strings.Contains(string(logged), "alarm_definition_id") {
		t.Errorf("the receiver got a notification:\n%s", logged)
	}
}

// A Node consumer on the fixed path /openstack/alerts: forwarded
// deliveries reach it on that path and it is in the verdict; a wrong path
// is its 404, named with its body.
func TestANodeConsumerOnAFixedPathIsInTheVerdict(t *testing.T) {
	node := startConsumer(t, "node", filepath.Join("testdata", "alerts_consumer.js"), "0")
	r := runMonhook(t, baseEnv(), "check", "--lab", "-s", "synthetic", "--forward-to", node.url("/openstack/alerts"), "-o", "json")
	rep := parseReport(t, r)
	if r.Code != 0 {
		t.Fatalf("exit %d, want 0: %s", r.Code, rep.Error)
	}
	select {
	case line := <-node.lines:
		if want := "alarm " + rep.Deliveries[0].AlarmID + " ALARM"; line != want {
			t.Errorf("the consumer printed %q, want %q", line, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the consumer printed nothing")
	}

	r = runMonhook(t, baseEnv(), "check", "--lab", "-s", "synthetic", "--forward-to", node.url("/openstack/alerts/wrong"), "-o", "json")
	if rep := parseReport(t, r); r.Code != 1 || !strings.Contains(rep.Error, "answered 404 Not Found: Cannot POST /openstack/alerts/wrong") {
		t.Errorf("wrong path: exit %d, want 1 naming the 404 and its body: %s", r.Code, rep.Error)
	}
}
