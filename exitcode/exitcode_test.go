package exitcode_test

import (
	"testing"

	"github.com/monhook/monhook/exitcode"
)

// The documented codes are a contract with scripts and CI: pin each literal.
func TestComputePinsTheDocumentedCodes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		result exitcode.Result
		leaked bool
		want   int
	}{
		{"pass", exitcode.Pass, false, 0},
		{"fail", exitcode.Fail, false, 1},
		{"usage", exitcode.Usage, false, 2},
		{"cannot run", exitcode.CannotRun, false, 3},
		{"pass but leaked", exitcode.Pass, true, 4},
		{"fail and leaked", exitcode.Fail, true, 4},
		{"cannot run and leaked", exitcode.CannotRun, true, 4},
		{"interrupted", exitcode.Interrupted, false, 130},
		{"interrupted with leftovers (teardown skipped or cut short)", exitcode.Interrupted, true, 4},
	} {
		if got := exitcode.Compute(tc.result, tc.leaked); got != tc.want {
			t.Errorf("%s: Compute(%d, %v) = %d, want %d", tc.name, tc.result, tc.leaked, got, tc.want)
		}
	}
	if got := exitcode.Of(exitcode.Usage); got != 2 {
		t.Errorf("Of(Usage) = %d, want 2", got)
	}
}
