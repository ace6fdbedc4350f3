package testing

import (
	"fmt"
	"net/http"
	"time"

	"github.com/monhook/monhook/openstack/monitoring/v2/alarms"
)

const alarmID = "f9935bcc-9641-4cbf-8224-0993a947ea83"
const defID = "b461d659-577b-4d63-9782-a99194d4a472"

// AlarmBody is the alarm object of reference §5 as the Python API returns
// it: timestamps without fractional seconds, lifecycle_state and link null.
const AlarmBody = `{"id":"f9935bcc-9641-4cbf-8224-0993a947ea83",
 "links":[{"rel":"self","href":"%[1]s/v2.0/alarms/f9935bcc-9641-4cbf-8224-0993a947ea83"}],
 "alarm_definition":{"id":"b461d659-577b-4d63-9782-a99194d4a472","name":"cpu high","severity":"LOW",
                     "links":[{"rel":"self","href":"%[1]s/v2.0/alarm-definitions/b461d659-577b-4d63-9782-a99194d4a472"}]},
 "metrics":[{"name":"cpu.idle_perc","dimensions":{"hostname":"h1"}}],
 "state":"ALARM","lifecycle_state":null,"link":null,
 "state_updated_timestamp":"2015-03-14T09:26:53Z","updated_timestamp":"2015-03-14T09:26:53Z","created_timestamp":"2015-03-14T09:20:11Z"}`

// JavaAlarmBody is the same alarm in the spec's (Java API) format: ".000Z"
// timestamps, lifecycle_state and link set.
const JavaAlarmBody = `{"id":"f9935bcc-9641-4cbf-8224-0993a947ea83",
 "links":[{"rel":"self","href":"%[1]s/v2.0/alarms/f9935bcc-9641-4cbf-8224-0993a947ea83"},{"rel":"state-history","href":"%[1]s/v2.0/alarms/f9935bcc-9641-4cbf-8224-0993a947ea83/state-history"}],
 "alarm_definition":{"id":"b461d659-577b-4d63-9782-a99194d4a472","name":"cpu high","severity":"LOW","links":[]},
 "metrics":[{"name":"cpu.idle_perc","dimensions":{"hostname":"h1"}}],
 "state":"ALARM","lifecycle_state":"OPEN","link":"http://tickets/1",
 "state_updated_timestamp":"2015-03-14T09:26:53.000Z","updated_timestamp":"2015-03-14T09:26:53.000Z","created_timestamp":"2015-03-14T09:20:11.000Z"}`

// ExpectedAlarm is AlarmBody decoded.
var ExpectedAlarm = alarms.Alarm{
	ID:                    alarmID,
	AlarmDefinition:       alarms.AlarmDefinition{ID: defID, Name: "cpu high", Severity: "LOW"},
	Metrics:               []alarms.Metric{{Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "h1"}}},
	State:                 "ALARM",
	StateUpdatedTimestamp: time.Date(2015, 3, 14, 9, 26, 53, 0, time.UTC),
	UpdatedTimestamp:      time.Date(2015, 3, 14, 9, 26, 53, 0, time.UTC),
	CreatedTimestamp:      time.Date(2015, 3, 14, 9, 20, 11, 0, time.UTC),
}

// StateHistoryBody is one page of /alarms/{id}/state-history (reference §5 keys).
const StateHistoryBody = `{"links":[{"rel":"self","href":"%[1]s/v2.0/alarms/f9935bcc-9641-4cbf-8224-0993a947ea83/state-history"}],
 "elements":[{"id":"1424451007004","alarm_id":"f9935bcc-9641-4cbf-8224-0993a947ea83",
  "metrics":[{"id":"","name":"cpu.idle_perc","dimensions":{"hostname":"h1"}}],
  "old_state":"UNDETERMINED","new_state":"ALARM","reason":"Alarm state updated via API","reason_data":"{}",
  "timestamp":"2015-03-14T09:26:53.000Z",
  "sub_alarms":[{"sub_alarm_expression":{"function":"MAX","metric_name":"cpu.idle_perc","dimensions":{"hostname":"h1"},
    "operator":"GT","threshold":0.0,"period":60,"periods":1,"deterministic":false},
    "sub_alarm_state":"ALARM","current_values":[97.5]}]}]}`

// ExpectedStateHistory is StateHistoryBody's element decoded.
var ExpectedStateHistory = alarms.StateHistory{
	ID:         "1424451007004",
	AlarmID:    alarmID,
	Metrics:    []alarms.HistoryMetric{{Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "h1"}}},
	OldState:   "UNDETERMINED",
	NewState:   "ALARM",
	Reason:     "Alarm state updated via API",
	ReasonData: []byte(`"{}"`),
	Timestamp:  time.Date(2015, 3, 14, 9, 26, 53, 0, time.UTC),
	SubAlarms: []alarms.SubAlarm{{
		SubAlarmExpression: alarms.SubAlarmExpression{Function: "MAX", MetricName: "cpu.idle_perc",
			Dimensions: map[string]string{"hostname": "h1"}, Operator: "GT", Threshold: 0, Period: 60, Periods: 1},
		SubAlarmState: "ALARM",
		CurrentValues: []float64{97.5},
	}},
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}
