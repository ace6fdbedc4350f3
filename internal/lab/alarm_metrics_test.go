package lab_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/clock/clocktest"
	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/lab/model"
)

// TestSeriesJoiningAnAlarmAppearsInGetAlarms: without match_by a second
// host's series joins the definition's one alarm, and GET /alarms lists both
// series (the tempest test_create_alarms_with_match_by failed on this).
func TestSeriesJoiningAnAlarmAppearsInGetAlarms(t *testing.T) {
	clk := clocktest.New(time.Date(2026, 11, 26, 10, 0, 30, 0, time.UTC))
	l := startLab(t, lab.Options{Clock: clk, Hosts: -1})
	events, cancel := l.Bus().Subscribe()
	defer cancel()
	def := apiCall(t, l, "labuser", "POST", "/alarm-definitions", `{"name":"hot","expression":"max(cpu.idle_perc) > 50"}`)["id"].(string)
	ms := strconv.FormatInt(clk.Now().UnixMilli(), 10)
	apiCall(t, l, "labuser", "POST", "/metrics", `{"name":"cpu.idle_perc","dimensions":{"hostname":"h1"},"value":10,"timestamp":`+ms+`}`)
	// h2 joins the alarm and, being over the threshold, makes it ALARM: the
	// engine stores the joined series before it publishes the transition.
	apiCall(t, l, "labuser", "POST", "/metrics", `{"name":"cpu.idle_perc","dimensions":{"hostname":"h2"},"value":90,"timestamp":`+ms+`}`)
	waitForTransition(t, events)
	elems := apiCall(t, l, "labuser", "GET", "/alarms?alarm_definition_id="+def, "")["elements"].([]any)
	if len(elems) != 1 {
		t.Fatalf("%d alarms, want 1", len(elems))
	}
	metrics := elems[0].(map[string]any)["metrics"].([]any)
	var hosts []string
	for _, m := range metrics {
		hosts = append(hosts, m.(map[string]any)["dimensions"].(map[string]any)["hostname"].(string))
	}
	if strings.Join(hosts, ",") != "h1,h2" {
		t.Fatalf("alarm metrics hosts %v, want [h1 h2]", hosts)
	}
}

// waitForTransition returns at the next AlarmTransitioned on the bus.
func waitForTransition(t *testing.T, events <-chan any) {
	t.Helper()
	for ev := range eventsWithin(t, events, 30*time.Second) {
		if _, ok := ev.(model.AlarmTransitioned); ok {
			return
		}
	}
	t.Fatal("bus closed before an alarm transition")
}
