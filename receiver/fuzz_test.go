package receiver

import (
	"reflect"
	"testing"
)

// FuzzValidate: Validate never panics, and its fast path accepts a body only
// when the detailed validator finds nothing wrong and decodes the same
// notification.
func FuzzValidate(f *testing.F) {
	for _, seed := range []string{
		monascaBody, classicCurlBody, `{}`, `[]`, `null`, `"x"`, ``,
		`{"alarm_id":"a","alarm_definition_id":"d","alarm_name":"n","alarm_description":"","alarm_timestamp":1,"state":"OK","old_state":"ALARM","message":"m","tenant_id":"t","metrics":[]}`,
		`{"ALARM_ID":"a","alarm_definition_id":"d","alarm_name":"n","alarm_description":"","alarm_timestamp":1,"state":"OK","old_state":"ALARM","message":"m","tenant_id":"t","metrics":[],"x":"alarm_id"}`,
		`{"Alarm_Id":"alarm_id","alarm_definition_id":"d","alarm_name":"n","alarm_description":"","alarm_timestamp":1,"state":"OK","old_state":"ALARM","message":"m","tenant_id":"t","metrics":[{"name":"x","dimensions":{"alarm_id":"1"}}]}`,
		`{"alarm_id":"a\"x","alarm_definition_id":"d","alarm_name":"n","alarm_description":"","alarm_timestamp":1,"state":"OK","old_state":"ALARM","message":"m","tenant_id":"t","metrics":[{"name":"x","dimensions":{"k":"v"},"id":"i"}]}`,
		`{"alarm_id":"a","alarm_id":"b","alarm_definition_id":"d","alarm_name":"n","alarm_description":"","alarm_timestamp":1,"state":"OK","old_state":"ALARM","message":"m","tenant_id":"t","metrics":[{"NAME":"x","dimensions":{},"v":"name"}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		n, findings, err := Validate(body)
		if err != nil && (n != nil || findings != nil) {
			t.Fatalf("error with results: %v %v %v", err, n, findings)
		}
		fast, ok := fastValidate(body)
		if !ok {
			return
		}
		slow, slowFindings, err := validateDetailed(body)
		if err != nil || len(slowFindings) != 0 {
			t.Fatalf("fast path accepted %q; detailed validator says %v %+v", body, err, slowFindings)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("fast %+v != detailed %+v for %q", fast, slow, body)
		}
	})
}
