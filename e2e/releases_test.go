//go:build e2e

package e2e

import (
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/scenarios"
)

// releaseProfile is one `monhook lab --release R --api A`. monhook is never
// told the release: it must find out from what the API shows.
type releaseProfile struct {
	release, api string
	// preNewton: no types endpoint, period, PATCH, deterministic, last.
	preNewton bool
}

func (p releaseProfile) name() string { return p.release + "/" + p.api }

func (p releaseProfile) labArgs() []string {
	return []string{"--speed", e2eSpeed, "--release", p.release, "--api", p.api}
}

// releaseProfiles is the matrix: every release the lab plays that changes
// the client's view, the Java API in its Mitaka era and its last.
var releaseProfiles = []releaseProfile{
	{"mitaka", "python", true},
	{"newton", "python", false},
	{"pike", "python", false},
	{"rocky", "python", false},
	{"ussuri", "python", false},
	{"latest", "python", false},
	{"mitaka", "java", true},
	{"latest", "java", false},
}

// refusedOnPreNewton names, per built-in scenario a pre-Newton API cannot
// run, the feature the refusal must name.
var refusedOnPreNewton = map[string]string{
	"periodic": "`period`",
	"ok-cycle": "`last`",
}

// TestEveryReleaseProfile runs, against the lab in every profile, check
// with every built-in scenario (those the release cannot run must be
// refused with exit 2 before anything is created), cleanup of a kept
// check, listen --register, and one serve probe. Profiles run in parallel,
// and within a profile the checks run concurrently (they never collide:
// TestTwoParallelChecksInOneProjectDoNotCollide).
func TestEveryReleaseProfile(t *testing.T) {
	start := time.Now()
	t.Cleanup(func() {
		t.Logf("release matrix: %d profiles in %s", len(releaseProfiles), time.Since(start).Round(time.Millisecond))
	})
	for _, p := range releaseProfiles {
		t.Run(p.name(), func(t *testing.T) {
			t.Parallel()
			lp := startLabProcess(t, p.labArgs()...)
			t.Run("check", func(t *testing.T) { checkEveryScenario(t, lp, p) })
			t.Run("cleanup", func(t *testing.T) { cleanupAKeptCheck(t, lp) })
			t.Run("listen --register", func(t *testing.T) { listenRegister(t, lp, p) })
			t.Run("serve", func(t *testing.T) { serveOneProbe(t, lp) })
			assertLabClean(t, lp)
		})
	}
}

func checkEveryScenario(t *testing.T, lp *labProcess, p releaseProfile) {
	all := scenarios.Builtins()
	results := make([]result, len(all))
	var wg sync.WaitGroup
	for i, sc := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = runMonhook(t, lp.Env(), "check", "-s", sc.Name, "--speed", e2eSpeed, "-o", "json", "--timeout", "2m")
		}()
	}
	wg.Wait()
	for i, sc := range all {
		t.Run(sc.Name, func(t *testing.T) {
			r := results[i]
			rep := parseReport(t, r)
			wantAPI(t, rep, p)
			if feature, refused := refusedOnPreNewton[sc.Name]; refused && p.preNewton {
				if r.Code != 2 || rep.Verdict != report.VerdictError {
					t.Fatalf("exit %d verdict %s, want 2/error: %s", r.Code, rep.Verdict, rep.Error)
				}
				for _, want := range []string{feature, "Newton"} {
					if !strings.Contains(rep.Error, want) {
						t.Errorf("error %q does not name %s", rep.Error, want)
					}
				}
				if len(rep.Resources) != 0 || stageNamed(rep, scenarios.StageNotificationMethod).Status != report.StatusSkipped {
					t.Errorf("resources %v, notification-method %s: want nothing created", rep.Resources, stageNamed(rep, scenarios.StageNotificationMethod).Status)
				}
				return
			}
			if r.Code != 0 || rep.Verdict != report.VerdictPass {
				t.Fatalf("exit %d verdict %s: %s\nstages: %+v\nstderr:\n%s", r.Code, rep.Verdict, rep.Error, rep.Stages, r.Stderr)
			}
			if p.preNewton && !strings.Contains(stageNamed(rep, scenarios.StagePreflight).Detail, "type check skipped") {
				t.Errorf("preflight detail %q does not say the type check was skipped", stageNamed(rep, scenarios.StagePreflight).Detail)
			}
		})
	}
}

// wantAPI checks what the report says was detected.
func wantAPI(t *testing.T, rep *report.Report, p releaseProfile) {
	t.Helper()
	a := rep.Target.API
	if a == nil {
		t.Fatalf("report has no target.api: %s", rep.Error)
	}
	if a.Flavor != p.api {
		t.Errorf("target.api.flavor = %q, want %q", a.Flavor, p.api)
	}
	for _, f := range []string{"types", "period", "patch", "deterministic", "last"} {
		if a.Features[f] == p.preNewton {
			t.Errorf("target.api.features[%s] = %v on %s", f, a.Features[f], p.name())
		}
	}
}

// cleanupAKeptCheck leaves a check's resources with --keep and has cleanup
// delete them.
func cleanupAKeptCheck(t *testing.T, lp *labProcess) {
	r := runMonhook(t, lp.Env(), "check", "-s", "synthetic", "--speed", e2eSpeed, "--keep", "-o", "json")
	rep := parseReport(t, r)
	if r.Code != 0 || len(rep.Resources) != 2 {
		t.Fatalf("check --keep: exit %d, resources %v: %s", r.Code, rep.Resources, rep.Error)
	}
	c := runMonhook(t, lp.Env(), "cleanup", "--run-id", rep.RunID, "-o", "json")
	var doc struct {
		Resources []struct {
			Kind    string `json:"kind"`
			Deleted bool   `json:"deleted"`
		} `json:"resources"`
	}
	err := json.Unmarshal([]byte(c.Stdout), &doc)
	found := doc.Resources
	if err != nil || c.Code != 0 {
		t.Fatalf("cleanup: exit %d, %v\n%s\n%s", c.Code, err, c.Stdout, c.Stderr)
	}
	if len(found) != 2 || !found[0].Deleted || !found[1].Deleted {
		t.Errorf("cleanup deleted %+v, want both resources of run %s", found, rep.RunID)
	}
}

// listenRegister registers a listener, finds its method with cleanup, and
// removes it on SIGTERM; a period the API lacks is refused (exit 2).
func listenRegister(t *testing.T, lp *labProcess, p releaseProfile) {
	l := startListen(t, lp.Env(), "--register")
	stderr := l.stderr.String()
	if !strings.Contains(stderr, "registered notification method ") {
		t.Fatalf("stderr:\n%s", stderr)
	}
	if lacks := strings.Contains(stderr, "created without period"); lacks != p.preNewton {
		t.Errorf("stderr says the method was created without period: %v, want %v\n%s", lacks, p.preNewton, stderr)
	}
	r := runMonhook(t, lp.Env(), "cleanup", "--dry-run", "-o", "json")
	found, err := cleanupResources(r.Stdout)
	if err != nil || len(found) != 1 {
		t.Errorf("while listening, cleanup sees %v (%v); want our method", found, err)
	}
	if code := l.stop(t); code != 0 {
		t.Errorf("listen exit %d:\n%s", code, l.stderr.String())
	}
	if !p.preNewton {
		return // it would listen until stopped; the period is covered by check -s periodic
	}
	r = runMonhook(t, lp.Env(), "listen", "--listen", "127.0.0.1:0", "--register", "--register-period", "60")
	if r.Code != 2 || !strings.Contains(r.Stderr, "`period`") || !strings.Contains(r.Stderr, "Newton") {
		t.Errorf("--register-period 60: exit %d, want 2 naming period and Newton\n%s", r.Code, r.Stderr)
	}
}

func serveOneProbe(t *testing.T, lp *labProcess) {
	sp := startServe(t, lp)
	status, body := fetch(t, sp.URL+"/probe?scenario=synthetic")
	if status != 200 {
		t.Fatalf("status %d\n%s", status, body)
	}
	wantMetric(t, body, "monhook_probe_success", 1)
	wantMetric(t, body, "monhook_leaked_resources", 0)
	if code := sp.stop(t); code != 0 {
		t.Errorf("serve exit %d after SIGTERM\n%s", code, sp.stderr.String())
	}
}

var (
	responseLine = regexp.MustCompile(`(?m)^<-- (\S+) (\S+) (\d{3})`)
	tokenRequest = regexp.MustCompile(`(?m)^--> POST \S+/auth/tokens`)
)

// TestJavaRoleRefusalIsOne401WithTheRoleHint: a user without monasca-user
// against the Java API gets exactly one 401 on the wire (no second login,
// no replay) and the monasca-user hint, exit 3; the requests are counted
// in the --debug trace.
func TestJavaRoleRefusalIsOne401WithTheRoleHint(t *testing.T) {
	for _, release := range []string{"mitaka", "latest"} {
		t.Run(release, func(t *testing.T) {
			t.Parallel()
			lp := startLabProcess(t, releaseProfile{release: release, api: "java"}.labArgs()...)
			r := runMonhook(t, lp.Env("OS_USERNAME=labadmin", "OS_PASSWORD=labadmin-password"),
				"check", "-s", "synthetic", "--speed", e2eSpeed, "--debug")
			if r.Code != 3 {
				t.Fatalf("exit %d, want 3\n%s\n%s", r.Code, r.Stdout, r.Stderr)
			}
			var refused []string
			for _, m := range responseLine.FindAllStringSubmatch(r.Stderr, -1) {
				if m[3] == "401" {
					refused = append(refused, m[1]+" "+m[2])
				}
			}
			if len(refused) != 1 {
				t.Errorf("401s on the wire: %v, want exactly one", refused)
			}
			if n := len(tokenRequest.FindAllString(r.Stderr, -1)); n != 1 {
				t.Errorf("%d token requests, want 1 (no re-authentication)", n)
			}
			out := r.Stdout + r.Stderr
			for _, want := range []string{"monasca-user", "Tenant is missing a required role"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, r.Stdout)
				}
			}
			if strings.Contains(out, "re-authenticated") {
				t.Errorf("output reports a re-authentication:\n%s", out)
			}
		})
	}
}
