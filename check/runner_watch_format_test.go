package check

import "testing"

// The alarm stage's "had not listed … after D" details print D like the
// stage timings (report.FormatDuration), not as a raw duration.
func TestAlarmStageDurationsArePrintedLikeTheStageTimings(t *testing.T) {
	for ms, want := range map[float64]string{0.413: "0.4ms", 12.3456: "12ms", 2347.6: "2.3s", 65432: "1m05s"} {
		if got := formatDuration(ms); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", ms, got, want)
		}
	}
}
