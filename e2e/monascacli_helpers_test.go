//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The real monasca CLI (Debian's python3-monascaclient 2.6.0) is the
// reference client: if it can drive the lab, the lab speaks Monasca.

const monascaCLI = "/usr/bin/monasca"

// monascaCLITimeout bounds one CLI call; a call takes about 1 s unloaded.
const monascaCLITimeout = 2 * time.Minute

// requireMonascaCLI skips unless /usr/bin/monasca exists; with
// MONHOOK_E2E_MONASCACLI=1 a missing CLI fails the test instead.
func requireMonascaCLI(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(monascaCLI); err == nil {
		return
	}
	if os.Getenv("MONHOOK_E2E_MONASCACLI") == "1" {
		t.Fatalf("MONHOOK_E2E_MONASCACLI=1 but %s is missing (apt-get install python3-monascaclient)", monascaCLI)
	}
	t.Skipf("monasca CLI tier skipped: %s is missing (apt-get install python3-monascaclient; "+
		"set MONHOOK_E2E_MONASCACLI=1 to make this a failure)", monascaCLI)
}

// cliResult is one finished CLI call.
type cliResult struct {
	Stdout, Stderr string
	ExitCode       int
}

// runMonasca runs the CLI with only osEnv for OpenStack settings: the
// caller's OS_*, clouds.yaml (HOME) and MONASCA_* never leak in, so the
// endpoint must come from the catalog.
func runMonasca(t testing.TB, osEnv []string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), monascaCLITimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, monascaCLI, args...)
	cmd.Env = append([]string{
		"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=" + t.TempDir(),
		"LANG=C.UTF-8",
	}, osEnv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{Stdout: stdout.String(), Stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		res.ExitCode = exit.ExitCode()
	default:
		t.Fatalf("monasca %s: %v", strings.Join(args, " "), err)
	}
	return res
}

// mustMonasca runs the CLI and fails the test unless it exits 0.
func mustMonasca(t testing.TB, osEnv []string, args ...string) cliResult {
	t.Helper()
	res := runMonasca(t, osEnv, args...)
	if res.ExitCode != 0 {
		t.Fatalf("monasca %s: exit %d\nstdout: %s\nstderr: %s",
			strings.Join(args, " "), res.ExitCode, res.Stdout, lastLines(res.Stderr, 15))
	}
	return res
}

// cliJSON decodes the output of a CLI call made with -j.
func cliJSON[T any](t testing.TB, res cliResult) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(res.Stdout), &v); err != nil {
		t.Fatalf("CLI -j output is not the expected JSON: %v\n%s", err, res.Stdout)
	}
	return v
}

// apiGet sends an authenticated GET to a Monasca endpoint (which ends in
// /v2.0) and returns the status and body. It is the independent check that
// what the CLI did really is in the API.
func apiGet(t testing.TB, monitoringURL, token, path string) (int, []byte) {
	t.Helper()
	return apiDo(t, http.MethodGet, monitoringURL, token, path, "")
}

// apiDo sends one request with an optional JSON body.
func apiDo(t testing.TB, method, monitoringURL, token, path, jsonBody string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if jsonBody != "" {
		rd = strings.NewReader(jsonBody)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, strings.TrimSuffix(monitoringURL, "/")+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", token)
	req.Header.Set("Accept", "application/json")
	if jsonBody != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return resp.StatusCode, body
}

// apiElements decodes a Monasca list body ({"links":…,"elements":[…]}).
func apiElements(t testing.TB, body []byte) []map[string]any {
	t.Helper()
	var doc struct {
		Elements []map[string]any `json:"elements"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("list body: %v\n%s", err, body)
	}
	return doc.Elements
}

// hasID reports whether a list of objects holds one with the given id.
func hasID(list []map[string]any, id string) bool {
	for _, e := range list {
		if e["id"] == id {
			return true
		}
	}
	return false
}
