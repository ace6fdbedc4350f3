package webhook

import "testing"

var sample = Body{
	AlarmID: "a1", AlarmDefinitionID: "d1", AlarmName: "café / load", AlarmDescription: "see http://x/y",
	AlarmTimestamp: 1764151200, State: "ALARM", OldState: "OK", Message: "m", TenantID: "t1",
	Metrics: []Metric{{Name: "cpu.idle_perc", Dimensions: []Dimension{{"hostname", "h1"}, {"service", "monitoring"}}}},
}

// The expected bytes: simplejson's are python3's json.dumps of the dict in
// the plugin's order (simplejson writes the same with default arguments).
// Python 2 and ujson are not on the build machines: their bytes are
// derived from the sources. Python 2.7's dict order comes from
// string_hash and dictobject.c's probing (pyjson.Py2DictOrder; the body is
// a 10-item dict display, so a 16-slot table; the metric and dimension
// dicts come from json.loads, 8 slots); ujson 1.35's from its encoder:
// no separator spaces, "\/" for "/" (escape_forward_slashes), lower-case
// \u escapes for non-ASCII (ensure_ascii), dict order as iterated.
func TestEncodeAsEachRelease(t *testing.T) {
	want := map[Encoding]string{
		SimpleJSON: `{"alarm_id": "a1", "alarm_definition_id": "d1", "alarm_name": "caf\u00e9 / load", "alarm_description": "see http://x/y", "alarm_timestamp": 1764151200, "state": "ALARM", "old_state": "OK", "message": "m", "tenant_id": "t1", "metrics": [{"id": null, "name": "cpu.idle_perc", "dimensions": {"hostname": "h1", "service": "monitoring"}}]}`,
		JSON:       `{"metrics": [{"dimensions": {"hostname": "h1", "service": "monitoring"}, "id": null, "name": "cpu.idle_perc"}], "alarm_id": "a1", "state": "ALARM", "alarm_timestamp": 1764151200, "tenant_id": "t1", "old_state": "OK", "alarm_description": "see http://x/y", "message": "m", "alarm_definition_id": "d1", "alarm_name": "caf\u00e9 / load"}`,
		UJSON:      `{"metrics":[{"dimensions":{"hostname":"h1","service":"monitoring"},"id":null,"name":"cpu.idle_perc"}],"alarm_id":"a1","state":"ALARM","alarm_timestamp":1764151200,"tenant_id":"t1","old_state":"OK","alarm_description":"see http:\/\/x\/y","message":"m","alarm_definition_id":"d1","alarm_name":"caf\u00e9 \/ load"}`,
	}
	for enc, w := range want {
		if got := string(sample.EncodeAs(enc)); got != w {
			t.Errorf("%s:\n got %s\nwant %s", enc, got, w)
		}
		if got, ok := DetectEncoding(sample.EncodeAs(enc)); !ok || got != enc {
			t.Errorf("DetectEncoding(%s bytes) = %s, %v", enc, got, ok)
		}
	}
	if string(sample.Encode()) != want[SimpleJSON] {
		t.Error("Encode must stay simplejson (the default)")
	}
}

// A ", " or ": " inside a string is text, not a separator.
func TestUJSONKeepsSpacesInStrings(t *testing.T) {
	b := sample
	b.Message = `a, b: c "d, e"`
	got := string(b.EncodeAs(UJSON))
	if want := `"message":"a, b: c \"d, e\""`; !contains(got, want) {
		t.Fatalf("got %s, want it to contain %s", got, want)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestParseEncoding(t *testing.T) {
	for _, e := range Encodings {
		if got, err := ParseEncoding(string(e)); err != nil || got != e {
			t.Errorf("%s: %v %v", e, got, err)
		}
	}
	if _, err := ParseEncoding("yaml"); err == nil {
		t.Error("yaml accepted")
	}
	if _, ok := DetectEncoding([]byte("not json")); ok {
		t.Error("detected an encoding in non-JSON")
	}
}
