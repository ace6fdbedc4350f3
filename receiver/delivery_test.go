package receiver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDeliveryJSONEmbedsTheBodyAndNeverTheSecret(t *testing.T) {
	r := newTestReceiver(t, Options{})
	post(r, "/tok", monascaBody, http.Header{"X-Auth-Token": {"gAAAAsecret"}})
	b, err := json.Marshal(r.Deliveries()[0])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "gAAAAsecret") {
		t.Fatalf("saved delivery leaks the token: %s", b)
	}
	var got struct {
		Seq          int             `json:"seq"`
		Body         json.RawMessage `json:"body"`
		Notification *Notification   `json:"notification"`
		Status       int             `json:"status"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	n, f, err := Validate(got.Body)
	if err != nil || len(f) != 0 || n.AlarmName != "cpu high" {
		t.Fatalf("body does not round-trip as the Monasca payload: %s", got.Body)
	}
	if got.Seq != 1 || got.Status != 200 || got.Notification.AlarmDefinitionID != "78ce7b53" {
		t.Fatalf("record = %s", b)
	}
}

// TestAppendJSONMatchesEncodingJSON pins the hand-built encoder to what
// encoding/json would write for the same fields, tricky strings included.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	id := "m-1"
	tricky := "tab\t nl\n quote\" back\\ <b>&amp; \x01 \xff bad utf8, é, \u2028"
	d := Delivery{
		Seq: 7, ReceivedAt: time.Date(2026, 11, 26, 1, 2, 3, 456789, time.UTC),
		Remote: "10.0.0.1:5555", Method: "POST", Path: "/p/" + tricky,
		Headers: http.Header{"Content-Type": {"application/json"}, "X-Multi": {"a", tricky}},
		Body:    []byte("{\n  \"alarm_id\": \"x\"\n}"),
		Notification: &Notification{AlarmID: tricky, AlarmTimestamp: -3, State: "OK",
			Metrics: []NotificationMetric{{ID: &id, Name: "n", Dimensions: map[string]string{"b": "2", "a": tricky}}, {Name: "m"}}},
		Findings: []Finding{{Code: "c", Detail: tricky}, {Code: "d", Key: "k", Detail: ""}},
		Status:   503,
		Forward:  &ForwardResult{URL: "http://c/", Status: 202, Latency: 1500 * time.Microsecond, Error: tricky},
	}
	line := d.AppendJSON(nil)
	if bytes.ContainsAny(line, "\n\r") {
		t.Fatalf("record spans lines: %s", line)
	}
	type plain Delivery
	want, err := json.Marshal(struct {
		plain
		Body json.RawMessage `json:"body"`
	}{plain(d), json.RawMessage(d.Body)})
	if err != nil {
		t.Fatal(err)
	}
	var got, exp any
	if err := json.Unmarshal(line, &got); err != nil {
		t.Fatalf("AppendJSON wrote invalid JSON: %v\n%s", err, line)
	}
	json.Unmarshal(want, &exp)
	if !reflect.DeepEqual(got, exp) {
		t.Fatalf("AppendJSON =\n%s\nencoding/json =\n%s", line, want)
	}
}
