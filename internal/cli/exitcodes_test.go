package cli

import (
	"context"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/labtest"
	"github.com/monhook/monhook/internal/syncbuf"
	"github.com/monhook/monhook/openstack"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarmdefinitions"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
)

// The exit-code contract in-process (`make test`); e2e's
// TestExitCodesThroughTheBinary pins the same codes through the binary.
func TestExitCodesInProcess(t *testing.T) {
	l := labtest.Start(t, lab.Options{Speed: 60, Hosts: -1})
	u := labEnvWithoutPassword(t, l)
	t.Setenv("OS_PASSWORD", u.Password)
	s, err := labSession(t, l)(context.Background(), openstack.AuthFlags{})
	if err != nil {
		t.Fatal(err)
	}
	api := s.Monitoring.ResourceBaseURL()
	failMethodDeletes := proxyAPI(t, api, func(r *http.Request) bool {
		return r.Method == http.MethodDelete && strings.Contains(r.URL.Path, "/notification-methods/")
	}, nil)
	stalledList, stalled := stallingAPI(t, api, func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/alarm-definitions") })
	check := []string{"check", "-s", "synthetic", "--speed", "60"}
	unreachable := "http://127.0.0.1:1/never"
	run := func(args ...string) int {
		streams, _, _ := TestStreams()
		return Run(context.Background(), streams, args)
	}

	rows := []struct {
		name string
		want int
		run  func(t *testing.T) int
	}{
		{"check passes", 0, func(*testing.T) int { return run(check...) }},
		{"check without a delivery", 1, func(*testing.T) int {
			return run(append(check, "--callback-url", unreachable, "--skip-callback-test")...)
		}},
		{"check --timeout 1ns", 1, func(*testing.T) int { return run(append(check, "--timeout", "1ns")...) }},
		{"check --speed NaN", 2, func(*testing.T) int { return run("check", "--speed", "NaN") }},
		{"check with a wrong password", 3, func(t *testing.T) int {
			t.Setenv("OS_PASSWORD", "wrong")
			return run(check...)
		}},
		{"check whose teardown fails one DELETE", 4, func(*testing.T) int {
			code := run(append(check, "--monasca-api-url", failMethodDeletes)...)
			run("cleanup")
			return code
		}},
		{"check interrupted while waiting", 130, func(t *testing.T) int {
			sigs := make(chan os.Signal, 2)
			done := make(chan int, 1)
			go func() {
				streams, _, _ := TestStreams()
				done <- RunSignals(context.Background(), streams,
					[]string{"check", "-s", "synthetic", "--speed", "1", "--callback-url", unreachable, "--skip-callback-test"}, sigs, burstPolicy(t))
			}()
			awaitLeftovers(t, s.Monitoring, 2)
			sigs <- syscall.SIGINT
			sigs <- syscall.SIGINT
			return <-done
		}},
		{"cleanup with nothing to do", 0, func(*testing.T) int { return run("cleanup") }},
		{"cleanup --older-than -1h", 2, func(*testing.T) int { return run("cleanup", "--older-than", "-1h") }},
		{"cleanup with a wrong password", 3, func(t *testing.T) int {
			t.Setenv("OS_PASSWORD", "wrong")
			return run("cleanup")
		}},
		{"cleanup failing one DELETE", 4, func(*testing.T) int {
			if code := run(append(check, "--keep")...); code != 0 {
				t.Fatalf("check --keep: exit %d", code)
			}
			code := run("cleanup", "--monasca-api-url", failMethodDeletes)
			run("cleanup")
			return code
		}},
		{"cleanup interrupted", 130, func(t *testing.T) int {
			sigs := make(chan os.Signal, 1)
			done := make(chan int, 1)
			go func() {
				streams, _, _ := TestStreams()
				done <- RunSignals(context.Background(), streams, []string{"cleanup", "--monasca-api-url", stalledList}, sigs, burstPolicy(t))
			}()
			select {
			case <-stalled:
			case <-time.After(time.Minute):
				t.Fatal("cleanup never listed")
			}
			sigs <- syscall.SIGINT
			return <-done
		}},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			if got := row.run(t); got != row.want {
				t.Errorf("exit %d, want %d", got, row.want)
			}
		})
	}
	awaitLeftovers(t, s.Monitoring, 0)
}

// proxyAPI fronts Monasca at base, answering 500 to the requests fail
// matches and holding each request in stall (when set) before passing it.
func proxyAPI(t *testing.T, base string, fail func(*http.Request) bool, stall func(*http.Request)) string {
	t.Helper()
	return labtest.Proxy(t, base, func(api http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if fail != nil && fail(r) {
				labtest.Fail(w)
				return
			}
			if stall != nil {
				stall(r)
			}
			api.ServeHTTP(w, r)
		})
	})
}

// stallingAPI fronts Monasca and holds the requests match selects until
// their client gives up; the channel closes when the first one arrives.
func stallingAPI(t *testing.T, base string, match func(*http.Request) bool) (string, <-chan struct{}) {
	arrived := make(chan struct{})
	var once sync.Once
	api := proxyAPI(t, base, nil, func(r *http.Request) {
		if match(r) {
			once.Do(func() { close(arrived) })
			<-r.Context().Done()
		}
	})
	return api, arrived
}

// awaitLeftovers polls the API until exactly n resources named like
// monhook's exist: the observable sign that a check has provisioned, or
// that everything was removed.
func awaitLeftovers(t *testing.T, c *gophercloud.ServiceClient, n int) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(time.Minute)
	for {
		got := countMonhook(t, c)
		if got == n {
			return
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("never saw %d monhook resources (have %d)", n, got)
		}
	}
}

func countMonhook(t *testing.T, c *gophercloud.ServiceClient) int {
	t.Helper()
	ctx := context.Background()
	n := 0
	pages, err := alarmdefinitions.List(c, alarmdefinitions.ListOpts{}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defs, _ := alarmdefinitions.ExtractAlarmDefinitions(pages)
	for _, d := range defs {
		if strings.HasPrefix(d.Name, "monhook-") {
			n++
		}
	}
	pages, err = notificationmethods.List(c, notificationmethods.ListOpts{}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := notificationmethods.ExtractNotificationMethods(pages)
	for _, m := range ms {
		if strings.HasPrefix(m.Name, "monhook-") {
			n++
		}
	}
	return n
}

// burstPolicy reads every signal at the same instant: back-to-back sends
// are one burst whatever the scheduler does meanwhile.
func burstPolicy(t *testing.T) signalPolicy {
	at := time.Unix(1_700_000_000, 0)
	return signalPolicy{Window: SignalWindow, Now: func() time.Time { return at }, ErrOut: &syncbuf.Buffer{},
		Exit: func(code int) { t.Errorf("the watcher exited with %d", code) }}
}
