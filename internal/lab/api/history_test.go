package api_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/lab/model"
)

// historyFixture records three transitions of one alarm at sub-millisecond
// times (the engine's clock) and returns the history as listed, oldest first.
func historyFixture(t *testing.T, e *env) []map[string]any {
	t.Helper()
	def := newDefinition(t, e, "cpu", "LOW")
	id := createAlarm(t, e, def, "UNDETERMINED")
	for i, state := range []string{"ALARM", "OK", "ALARM"} {
		at := t0.Add(time.Duration(i+1)*time.Second + 700*time.Microsecond)
		if !e.lab.Store().TransitionAlarm(model.Transition{AlarmID: id, NewState: state, Timestamp: at}) {
			t.Fatalf("transition to %s not applied", state)
		}
	}
	all := e.must(200, e.call("labuser", "GET", "/v2.0/alarms/state-history", nil)).elements()
	if len(all) != 3 || all[1]["timestamp"] != "2026-11-26T10:00:02.000Z" || all[1]["id"] != "1795687202000" {
		t.Fatalf("history %v", all)
	}
	return all
}

// historyStates lists new_state of each element, to compare pages.
func historyStates(elems []map[string]any) []string {
	var out []string
	for _, h := range elems {
		out = append(out, h["new_state"].(string)+"@"+h["id"].(string))
	}
	return out
}

func TestStateHistoryTimeRangeIsInclusive(t *testing.T) {
	e := newEnv(t)
	all := historyFixture(t, e)
	second := url.QueryEscape(all[1]["timestamp"].(string))
	cases := map[string][]map[string]any{
		"?end_time=" + second:                           all[:2],
		"?start_time=" + second:                         all[1:],
		"?start_time=" + second + "&end_time=" + second: all[1:2],
	}
	for query, want := range cases {
		got := e.must(200, e.call("labuser", "GET", "/v2.0/alarms/state-history"+query, nil)).elements()
		if !slices.Equal(historyStates(got), historyStates(want)) {
			t.Errorf("%s: %v, want %v", query, historyStates(got), historyStates(want))
		}
	}
	// No validate_start_end_timestamps here: a start after the end is empty.
	r := e.must(200, e.call("labuser", "GET", "/v2.0/alarms/state-history?start_time="+
		url.QueryEscape(all[2]["timestamp"].(string))+"&end_time="+second, nil))
	if len(r.elements()) != 0 {
		t.Fatalf("start after end: %v", r.elements())
	}
}

func TestStateHistoryOffsetIsIdOrTimestamp(t *testing.T) {
	e := newEnv(t)
	all := historyFixture(t, e)
	for _, off := range []string{all[0]["id"].(string), all[0]["timestamp"].(string)} {
		for _, path := range []string{"/v2.0/alarms/state-history", "/v2.0/alarms/" + all[0]["alarm_id"].(string) + "/state-history"} {
			got := e.must(200, e.call("labuser", "GET", path+"?offset="+url.QueryEscape(off), nil)).elements()
			if !slices.Equal(historyStates(got), historyStates(all[1:])) {
				t.Errorf("%s offset %s: %v, want %v", path, off, historyStates(got), historyStates(all[1:]))
			}
		}
	}
	r := e.must(200, e.call("labuser", "GET", "/v2.0/alarms/state-history?limit=1&offset="+url.QueryEscape(all[0]["timestamp"].(string)), nil))
	if got := historyStates(r.elements()); !slices.Equal(got, historyStates(all[1:2])) || r.link("next") == "" {
		t.Fatalf("limit 1 after the first: %v next %q", got, r.link("next"))
	}
	next := e.must(200, e.call("labuser", "GET", r.link("next"), nil)).elements()
	if got := historyStates(next); !slices.Equal(got, historyStates(all[2:])) {
		t.Fatalf("next page %v, want %v", got, historyStates(all[2:]))
	}
}

// TestStateHistoryUnreadableOffsetIsRejected: an offset that is neither a
// millisecond id nor a time must not silently restart at the first page.
func TestStateHistoryUnreadableOffsetIsRejected(t *testing.T) {
	e := newEnv(t)
	all := historyFixture(t, e)
	r := e.call("labuser", "GET", "/v2.0/alarms/state-history?offset=yesterday", nil)
	wantError(t, r, 422, "Unprocessable Entity", "Offset value yesterday must be a millisecond timestamp or an ISO 8601 time")
	r = e.call("labuser", "GET", "/v2.0/alarms/"+all[0]["alarm_id"].(string)+"/state-history?offset=1%2C5", nil)
	wantError(t, r, 422, "Unprocessable Entity", "Offset value 1,5 must be a millisecond timestamp or an ISO 8601 time")
	// An empty offset is no offset, as upstream's `if offset:`.
	if got := e.must(200, e.call("labuser", "GET", "/v2.0/alarms/state-history?offset=", nil)).elements(); len(got) != 3 {
		t.Fatalf("empty offset: %d elements, want 3", len(got))
	}
}

// TestStateHistoryListsTheAlarmsThatExist: the list of all history asks the
// alarms repository first, so a deleted alarm's history is only found by
// its id, and dimensions match the alarm's metrics as they are now.
func TestStateHistoryListsTheAlarmsThatExist(t *testing.T) {
	e := newEnv(t)
	def := newDefinition(t, e, "cpu", "LOW")
	h1 := createAlarm(t, e, def, "UNDETERMINED", model.MetricDef{Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "h1"}})
	h2 := createAlarm(t, e, def, "UNDETERMINED", model.MetricDef{Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "h2"}})
	for _, id := range []string{h1, h2} {
		e.must(200, e.call("labuser", "PATCH", "/v2.0/alarms/"+id, map[string]any{"state": "ALARM"}))
	}
	alarmIDs := func(query string) []string {
		var out []string
		for _, h := range e.must(200, e.call("labuser", "GET", "/v2.0/alarms/state-history"+query, nil)).elements() {
			out = append(out, h["alarm_id"].(string))
		}
		return out
	}
	if err := e.lab.Store().AddAlarmMetric(h2, model.MetricDef{Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "h3"}}); err != nil {
		t.Fatal(err)
	}
	if got := alarmIDs("?dimensions=hostname:h3"); !slices.Equal(got, []string{h2}) {
		t.Fatalf("hostname:h3 lists %v, want the alarm h3 joined", got)
	}
	e.must(204, e.call("labuser", "DELETE", "/v2.0/alarms/"+h1, nil))
	if got := alarmIDs(""); !slices.Equal(got, []string{h2}) {
		t.Fatalf("after deleting %s: %v, want only %s", h1, got, h2)
	}
	if got := e.must(200, e.call("labuser", "GET", "/v2.0/alarms/"+h1+"/state-history", nil)).elements(); len(got) != 1 {
		t.Fatalf("history of the deleted alarm by id: %v", got)
	}
}

// The sub_alarms of a history element are decoded upstream from the JSON
// text monasca-thresh (Jackson) wrote, so the threshold and current values
// are Python floats and come out as json.dumps writes them: 10.0, not 10.
func TestStateHistorySubAlarmNumbersAreFloats(t *testing.T) {
	e := newEnv(t)
	def := newDefinition(t, e, "cpu", "LOW")
	id := createAlarm(t, e, def, "UNDETERMINED")
	sub := model.SubAlarmState{Function: "max", MetricName: "cpu", Operator: "GT", Threshold: 10, Period: 60, Periods: 1,
		State: "ALARM", CurrentValues: []float64{12, 10.5}}
	if !e.lab.Store().TransitionAlarm(model.Transition{AlarmID: id, NewState: "ALARM", Timestamp: t0, SubAlarms: []model.SubAlarmState{sub}}) {
		t.Fatal("transition not applied")
	}
	r := e.must(200, e.call("labuser", "GET", "/v2.0/alarms/"+id+"/state-history", nil))
	for _, want := range []string{`"threshold":10.0`, `"current_values":[12.0,10.5]`, `"period":60,`} {
		if !strings.Contains(string(r.raw), want) {
			t.Errorf("history %s lacks %s", r.raw, want)
		}
	}
}
