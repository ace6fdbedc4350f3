package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestVersionShowsStampedCommitAndDate: what `make build` stamps with -X
// (commit, commit date) is what `monhook version` prints, in text and JSON.
func TestVersionShowsStampedCommitAndDate(t *testing.T) {
	oldCommit, oldDate := commit, date
	t.Cleanup(func() { commit, date = oldCommit, oldDate })
	commit, date = "0123456789abcdef0123456789abcdef01234567", "2026-12-07T03:00:00Z"

	code, stdout, _ := runCLI(t, "version")
	if code != 0 || !strings.Contains(stdout, "commit "+commit) || !strings.Contains(stdout, date) {
		t.Errorf("version: exit %d, %q lacks the stamped commit and date", code, stdout)
	}
	code, stdout, _ = runCLI(t, "version", "-o", "json")
	var v versionInfo
	if err := json.Unmarshal([]byte(stdout), &v); code != 0 || err != nil || v.Commit != commit || v.Date != date {
		t.Errorf("version -o json: exit %d, %v: %q", code, err, stdout)
	}
}
