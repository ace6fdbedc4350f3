package webhook

import (
	"testing"
)

func sampleBody(o Origin) Body {
	b := Body{
		AlarmID: "a1", AlarmDefinitionID: "d1", AlarmName: "CPU trop occupé <prod>",
		AlarmTimestamp: 1429023453, State: "ALARM", OldState: "UNDETERMINED", TenantID: "t1",
		Metrics: []Metric{{Name: "cpu.idle_perc", Dimensions: []Dimension{{"hostname", "h1"}, {"az", "nova"}}}},
		Origin:  o,
	}
	if o == FromAPI {
		b.Message = APIReason
	} else {
		b.Message = ThreshReason("ALARM", SubExpression("AVG", "cpu.idle_perc", []Dimension{{"hostname", "h1"}}, "<", 10), []float64{4.25})
	}
	return b
}

// The wants are what CPython's json.dumps printed for the dict the plugin
// builds from such an event (key order as in webhook_notifier.py).
func TestEncodeIsTheBytesThePluginPosts(t *testing.T) {
	for _, tc := range []struct {
		origin Origin
		want   string
	}{
		{FromThresh, `{"alarm_id": "a1", "alarm_definition_id": "d1", "alarm_name": "CPU trop occup\u00e9 <prod>", "alarm_description": "", "alarm_timestamp": 1429023453, "state": "ALARM", "old_state": "UNDETERMINED", "message": "Thresholds were exceeded for the sub-alarms: avg(cpu.idle_perc{hostname=h1}) < 10.0 with the values: [4.25]", "tenant_id": "t1", "metrics": [{"id": null, "name": "cpu.idle_perc", "dimensions": {"hostname": "h1", "az": "nova"}}]}`},
		{FromAPI, `{"alarm_id": "a1", "alarm_definition_id": "d1", "alarm_name": "CPU trop occup\u00e9 <prod>", "alarm_description": "", "alarm_timestamp": 1429023453, "state": "ALARM", "old_state": "UNDETERMINED", "message": "Alarm state updated via API", "tenant_id": "t1", "metrics": [{"name": "cpu.idle_perc", "dimensions": {"hostname": "h1", "az": "nova"}}]}`},
	} {
		if got := string(sampleBody(tc.origin).Encode()); got != tc.want {
			t.Errorf("origin %d:\n got %s\nwant %s", tc.origin, got, tc.want)
		}
	}
}

func TestEncodeEmptyMetricsIsAList(t *testing.T) {
	got := string(Body{State: "OK", OldState: "ALARM"}.Encode())
	want := `{"alarm_id": "", "alarm_definition_id": "", "alarm_name": "", "alarm_description": "", "alarm_timestamp": 0, "state": "OK", "old_state": "ALARM", "message": "", "tenant_id": "", "metrics": []}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestThreshReasonPerState(t *testing.T) {
	sub := SubExpression("avg", "cpu.idle_perc", []Dimension{{"hostname", "h1"}, {"service", "monitoring"}}, ">", 90)
	if want := "avg(cpu.idle_perc{hostname=h1, service=monitoring}) > 90.0"; sub != want {
		t.Fatalf("SubExpression = %q, want %q", sub, want)
	}
	for state, want := range map[string]string{
		"ALARM":        "Thresholds were exceeded for the sub-alarms: " + sub + " with the values: [95.5, 97.0]",
		"OK":           "The alarm threshold(s) have not been exceeded for the sub-alarms: " + sub + " with the values: [95.5, 97.0]",
		"UNDETERMINED": "No data was present for the sub-alarms: " + sub,
	} {
		if got := ThreshReason(state, sub, []float64{95.5, 97}); got != want {
			t.Errorf("ThreshReason(%s) = %q, want %q", state, got, want)
		}
	}
}

func TestSortedDimensions(t *testing.T) {
	got := SortedDimensions(map[string]string{"z": "1", "a": "2", "m": "3"})
	want := []Dimension{{"a", "2"}, {"m", "3"}, {"z", "1"}}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("SortedDimensions = %v, want %v", got, want)
		}
	}
}
