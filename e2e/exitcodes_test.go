//go:build e2e

package e2e

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/syncbuf"
)

// The exit codes are a contract with scripts and CI (exitcode.Help). Each
// row drives the built binary into one outcome and pins the literal code.
// Codes a command has no outcome for are absent on purpose: cleanup has no
// failed check (1); listen and lab create nothing in Monasca (no 4) and end
// on SIGINT/SIGTERM as their normal stop (0, documented in their help), so
// they have no 1 or 130.
func TestExitCodesThroughTheBinary(t *testing.T) {
	lp := startLabProcess(t, "--speed", e2eSpeed)
	check := []string{"check", "-s", "synthetic", "--speed", e2eSpeed}
	rows := []struct {
		command, outcome string
		want             int
		run              func(t *testing.T) int
	}{
		{"check", "every delivery arrived", 0, func(t *testing.T) int {
			return runMonhook(t, lp.Env(), check...).Code
		}},
		{"check", "no delivery (callback unreachable)", 1, func(t *testing.T) int {
			return runMonhook(t, lp.Env(), append(check, "--callback-url", unreachable, "--skip-callback-test")...).Code
		}},
		{"check", "--timeout 1ns (nothing proven)", 1, func(t *testing.T) int {
			return runMonhook(t, lp.Env(), append(check, "--timeout", "1ns")...).Code
		}},
		{"check", "--speed NaN", 2, func(t *testing.T) int {
			return runMonhook(t, lp.Env(), "check", "--speed", "NaN").Code
		}},
		{"check", "wrong password", 3, func(t *testing.T) int {
			return runMonhook(t, lp.Env("OS_PASSWORD=wrong"), check...).Code
		}},
		{"check", "one DELETE answered 500", 4, func(t *testing.T) int {
			api := proxyMonasca(t, lp, failDelete("/notification-methods/"), nil)
			r := runMonhook(t, lp.Env(), append(check, "--monasca-api-url", api, "-o", "json")...)
			if rep := parseReport(t, r); len(rep.Leaked) != 1 || rep.Leaked[0].Kind != "notification-method" {
				t.Errorf("report lists leaked %+v, want the notification method", rep.Leaked)
			}
			runMonhook(t, lp.Env(), "cleanup") // remove it for the rows after
			return r.Code
		}},
		{"check", "SIGINT during the wait", 130, func(t *testing.T) int {
			cmd, _, _ := startMonhook(t, lp.Env(), "check", "-s", "synthetic", "--speed", "1", "--callback-url", unreachable, "--skip-callback-test", "--timeout", "5m")
			awaitProvisioned(t, lp)
			sigintTwice(t, cmd)
			return exitCodeOf(cmd.Wait())
		}},

		{"cleanup", "nothing to remove", 0, func(t *testing.T) int {
			return runMonhook(t, lp.Env(), "cleanup").Code
		}},
		{"cleanup", "--older-than -1h", 2, func(t *testing.T) int {
			return runMonhook(t, lp.Env(), "cleanup", "--older-than", "-1h").Code
		}},
		{"cleanup", "wrong password", 3, func(t *testing.T) int {
			return runMonhook(t, lp.Env("OS_PASSWORD=wrong"), "cleanup").Code
		}},
		{"cleanup", "one DELETE answered 500", 4, func(t *testing.T) int {
			if r := runMonhook(t, lp.Env(), append(check, "--keep")...); r.Code != 0 {
				t.Fatalf("check --keep: exit %d\n%s", r.Code, r.Stderr)
			}
			api := proxyMonasca(t, lp, failDelete("/notification-methods/"), nil)
			code := runMonhook(t, lp.Env(), "cleanup", "--monasca-api-url", api).Code
			runMonhook(t, lp.Env(), "cleanup") // remove the method for the rows after
			return code
		}},
		{"cleanup", "SIGINT while Monasca is slow", 130, func(t *testing.T) int {
			api := proxyMonasca(t, lp, nil, func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/alarm-definitions") })
			cmd, _, _ := startMonhook(t, lp.Env(), "cleanup", "--monasca-api-url", api)
			awaitStalled(t, api)
			sigintTwice(t, cmd)
			return exitCodeOf(cmd.Wait())
		}},

		{"listen", "SIGINT after ready", 0, func(t *testing.T) int {
			cmd, _, errOut := startMonhook(t, baseEnv(), "listen", "--listen", "127.0.0.1:0")
			awaitOutput(t, errOut, "ready ")
			sigintTwice(t, cmd)
			return exitCodeOf(cmd.Wait())
		}},
		{"listen", "--respond-status 42", 2, func(t *testing.T) int {
			return runMonhook(t, baseEnv(), "listen", "--respond-status", "42").Code
		}},
		{"listen", "port in use", 3, func(t *testing.T) int {
			return runMonhook(t, baseEnv(), "listen", "--listen", busyAddr(t)).Code
		}},

		{"lab", "SIGTERM after the exports", 0, func(t *testing.T) int {
			cmd, out, _ := startMonhook(t, baseEnv(), "lab", "--listen", "127.0.0.1:0", "--speed", e2eSpeed)
			awaitOutput(t, out, "export OS_INTERFACE")
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			return exitCodeOf(cmd.Wait())
		}},
		{"lab", "--speed NaN", 2, func(t *testing.T) int {
			return runMonhook(t, baseEnv(), "lab", "--speed", "NaN").Code
		}},
		{"lab", "port in use", 3, func(t *testing.T) int {
			return runMonhook(t, baseEnv(), "lab", "--listen", busyAddr(t)).Code
		}},
	}
	for _, row := range rows {
		t.Run(row.command+"/"+row.outcome, func(t *testing.T) {
			if got := row.run(t); got != row.want {
				t.Errorf("monhook %s, %s: exit %d, want %d", row.command, row.outcome, got, row.want)
			}
		})
	}
	if left := leftovers(t, lp); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

// failDelete answers 500 to DELETEs whose path contains part.
func failDelete(part string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.Method == http.MethodDelete && strings.Contains(r.URL.Path, part) }
}

var (
	stalledMu sync.Mutex
	stalled   = map[string]chan struct{}{} // proxy URL → closed when a request stalls
)

// proxyMonasca fronts the lab's Monasca: requests matching fail get 500,
// those matching stall hang until the client gives up; the rest pass.
func proxyMonasca(t *testing.T, lp *labProcess, fail, stall func(*http.Request) bool) string {
	t.Helper()
	base := labMonitoringURL(t, lp)
	u, err := url.Parse(base)
	must(t, err)
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	arrived := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case fail != nil && fail(r):
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"title":"Internal Server Error","description":"injected by the e2e test"}`))
		case stall != nil && stall(r):
			once.Do(func() { close(arrived) })
			<-r.Context().Done()
		default:
			proxy.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	api := srv.URL + u.Path
	stalledMu.Lock()
	stalled[api] = arrived
	stalledMu.Unlock()
	return api
}

// awaitStalled waits until a request hangs in the proxy at api.
func awaitStalled(t *testing.T, api string) {
	t.Helper()
	stalledMu.Lock()
	ch := stalled[api]
	stalledMu.Unlock()
	select {
	case <-ch:
	case <-time.After(time.Minute):
		t.Fatal("no request reached the stalling proxy")
	}
}

// awaitOutput waits until b contains want.
func awaitOutput(t *testing.T, b *syncbuf.Buffer, want string) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(time.Minute)
	for !strings.Contains(b.String(), want) {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("output never contained %q:\n%s", want, b.String())
		}
	}
}

// busyAddr is an address something already listens on, for the test's life.
func busyAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	t.Cleanup(func() { l.Close() })
	return l.Addr().String()
}
