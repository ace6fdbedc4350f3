package receiver

import (
	"errors"
	"reflect"
	"testing"
)

// monascaBody is the example from reference/monasca-api.md §7.
const monascaBody = `{"alarm_id":"20a54a65","alarm_definition_id":"78ce7b53","alarm_name":"cpu high",
 "alarm_description":"","alarm_timestamp":1556703552,"state":"ALARM","old_state":"UNDETERMINED",
 "message":"Thresholds were exceeded for the sub-alarms: avg(cpu.idle_perc{hostname=h1}) < 10.0 with the values: [4.25]",
 "tenant_id":"62f7a7a3","metrics":[{"id":null,"name":"cpu.idle_perc","dimensions":{"hostname":"h1"}}]}`

// classicCurlBody is the test payload from the old hand-written receiver recipes.
const classicCurlBody = `{"alarm_id": "1234", "alarm_definition_id": "5678", "alarm_name": "test", "alarm_description": "", "alarm_timestamp": "1234", "state": "ALARM", "old_state": "OK", "message": "test", "tenant_id": "1234", "metrics": "1234"}`

func TestValidateAcceptsMonascaPayloadWithoutFindings(t *testing.T) {
	n, findings, err := Validate([]byte(monascaBody))
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) != 0 {
		t.Fatalf("findings = %+v, want none", findings)
	}
	want := &Notification{
		AlarmID: "20a54a65", AlarmDefinitionID: "78ce7b53", AlarmName: "cpu high",
		AlarmTimestamp: 1556703552, State: "ALARM", OldState: "UNDETERMINED",
		Message:  "Thresholds were exceeded for the sub-alarms: avg(cpu.idle_perc{hostname=h1}) < 10.0 with the values: [4.25]",
		TenantID: "62f7a7a3",
		Metrics:  []NotificationMetric{{Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "h1"}}},
	}
	if !reflect.DeepEqual(n, want) {
		t.Fatalf("notification =\n%+v\nwant\n%+v", n, want)
	}
}

func TestValidateFindings(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []Finding // Detail is not compared
	}{
		{
			name: "classic curl payload: string timestamp and string metrics",
			body: classicCurlBody,
			want: []Finding{{Code: FindingWrongType, Key: "alarm_timestamp"}, {Code: FindingWrongType, Key: "metrics"}},
		},
		{
			name: "missing key",
			body: `{"alarm_id":"a","alarm_definition_id":"d","alarm_name":"n","alarm_description":"","alarm_timestamp":1,"state":"OK","old_state":"ALARM","message":"m","metrics":[]}`,
			want: []Finding{{Code: FindingMissingKey, Key: "tenant_id"}},
		},
		{
			name: "extra key",
			body: `{"alarm_id":"a","alarm_definition_id":"d","alarm_name":"n","alarm_description":"","alarm_timestamp":1,"state":"OK","old_state":"ALARM","message":"m","tenant_id":"t","metrics":[],"severity":"LOW"}`,
			want: []Finding{{Code: FindingExtraKey, Key: "severity"}},
		},
		{
			name: "float timestamp is not an integer",
			body: `{"alarm_id":"a","alarm_definition_id":"d","alarm_name":"n","alarm_description":"","alarm_timestamp":1.5,"state":"OK","old_state":"ALARM","message":"m","tenant_id":"t","metrics":[]}`,
			want: []Finding{{Code: FindingWrongType, Key: "alarm_timestamp"}},
		},
		{
			name: "millisecond timestamp",
			body: `{"alarm_id":"a","alarm_definition_id":"d","alarm_name":"n","alarm_description":"","alarm_timestamp":1429023453632,"state":"OK","old_state":"ALARM","message":"m","tenant_id":"t","metrics":[]}`,
			want: []Finding{{Code: FindingBadValue, Key: "alarm_timestamp"}},
		},
		{
			name: "unknown state",
			body: `{"alarm_id":"a","alarm_definition_id":"d","alarm_name":"n","alarm_description":"","alarm_timestamp":1,"state":"FIRING","old_state":"ALARM","message":"m","tenant_id":"t","metrics":[]}`,
			want: []Finding{{Code: FindingBadValue, Key: "state"}},
		},
		{
			name: "metric entries: not an object, missing name, numeric dimension, extra key, numeric id",
			body: `{"alarm_id":"a","alarm_definition_id":"d","alarm_name":"n","alarm_description":"","alarm_timestamp":1,"state":"OK","old_state":"ALARM","message":"m","tenant_id":"t",
			       "metrics":["x",{"dimensions":{}},{"name":"m","dimensions":{"a":1}},{"name":"m","dimensions":{},"value":1,"id":7}]}`,
			want: []Finding{
				{Code: FindingWrongType, Key: "metrics[0]"},
				{Code: FindingMissingKey, Key: "metrics[1].name"},
				{Code: FindingWrongType, Key: "metrics[2].dimensions"},
				{Code: FindingWrongType, Key: "metrics[3].id"},
				{Code: FindingExtraKey, Key: "metrics[3].value"},
			},
		},
		{
			name: "key spelled in another case (encoding/json would fold it)",
			body: `{"Alarm_Id":"alarm_id","alarm_definition_id":"d","alarm_name":"n","alarm_description":"","alarm_timestamp":1,"state":"OK","old_state":"ALARM","message":"m","tenant_id":"t","metrics":[{"Name":"x","dimensions":{"alarm_id":"1"}}]}`,
			want: []Finding{
				{Code: FindingMissingKey, Key: "alarm_id"},
				{Code: FindingMissingKey, Key: "metrics[0].name"},
				{Code: FindingExtraKey, Key: "metrics[0].Name"},
				{Code: FindingExtraKey, Key: "Alarm_Id"},
			},
		},
		{
			name: "list instead of object",
			body: `[1,2]`,
			want: []Finding{{Code: FindingNotObject}},
		},
		{
			name: "null",
			body: `null`,
			want: []Finding{{Code: FindingNotObject}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, findings, err := Validate([]byte(tt.body))
			if err != nil {
				t.Fatalf("Validate error = %v, want findings only", err)
			}
			var got []Finding
			for _, f := range findings {
				if f.Detail == "" {
					t.Errorf("finding %+v has no detail", f)
				}
				got = append(got, Finding{Code: f.Code, Key: f.Key})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("findings = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestValidateKeepsWhatItCouldParse(t *testing.T) {
	n, _, err := Validate([]byte(classicCurlBody))
	if err != nil {
		t.Fatal(err)
	}
	if n == nil || n.AlarmID != "1234" || n.AlarmDefinitionID != "5678" || n.State != "ALARM" || n.OldState != "OK" {
		t.Fatalf("notification = %+v, want the string fields decoded", n)
	}
}

func TestValidateRejectsNonJSON(t *testing.T) {
	for _, body := range []string{"", "alarm!", `{"alarm_id":`} {
		n, f, err := Validate([]byte(body))
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("Validate(%q) error = %v, want ErrMalformed", body, err)
		}
		if n != nil || f != nil {
			t.Errorf("Validate(%q) = %v, %v, want nothing", body, n, f)
		}
	}
}
