package notifier

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/clock/clocktest"
	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/internal/wirecapture"
	monhookreceiver "github.com/monhook/monhook/receiver"
	"github.com/monhook/monhook/webhook"
)

// wideTransition has text json.dumps escapes: quotes, a backslash, a
// newline, Latin-1, the euro sign, an astral emoji, DEL, and the <>& that
// Go's encoder would escape and Python's does not.
func wideTransition() model.Transition {
	tr := transition()
	tr.AlarmName = `cpu "high" <é>`
	tr.AlarmDescription = "line1\nline2 € \U0001F600 \x7f"
	tr.Metrics = []model.MetricDef{
		{Name: "cpu.idle_perc", Dimensions: map[string]string{"service": `mon\itor`, "hostname": "h1"}},
		{Name: "m2"},
	}
	return tr
}

// The expected text is what CPython's json.dumps writes for the plugin's
// dict (the same dict literal order, the same values).
const wideBody = `{"alarm_id": "a1", "alarm_definition_id": "d1", "alarm_name": "cpu \"high\" <\u00e9>", ` +
	`"alarm_description": "line1\nline2 \u20ac \ud83d\ude00 \u007f", "alarm_timestamp": 1429023453, ` +
	`"state": "ALARM", "old_state": "UNDETERMINED", ` +
	`"message": "Thresholds were exceeded for the sub-alarms: max(x) > 14.0 with the values: [20.0]", ` +
	`"tenant_id": "p1", "metrics": [{"id": null, "name": "cpu.idle_perc", "dimensions": {"hostname": "h1", "service": "mon\\itor"}}, ` +
	`{"id": null, "name": "m2", "dimensions": {}}]}`

func mustBody(t *testing.T, tr model.Transition) []byte {
	t.Helper()
	b, err := Body(tr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBodyIsPythonJSONDumpsText(t *testing.T) {
	if got := string(mustBody(t, wideTransition())); got != wideBody {
		t.Errorf("body\n got %s\nwant %s", got, wideBody)
	}
}

// The receiver (monhook listen) must take the exact production text as a
// clean Monasca delivery, the slow path's escaped keys included.
func TestReceiverAcceptsTheBodyWithoutFindings(t *testing.T) {
	for name, tr := range map[string]model.Transition{
		"thresh": wideTransition(),
		"api":    func() model.Transition { tr := wideTransition(); tr.Reason = webhook.APIReason; return tr }(),
		"escaped dimension key": func() model.Transition {
			tr := transition()
			tr.Metrics[0].Dimensions = map[string]string{"zoné": "x"}
			return tr
		}(),
	} {
		n, findings, err := monhookreceiver.Validate(mustBody(t, tr))
		if err != nil || len(findings) > 0 {
			t.Errorf("%s: err %v, findings %+v", name, err, findings)
			continue
		}
		if n.AlarmName != tr.AlarmName || n.AlarmDescription != tr.AlarmDescription || len(n.Metrics) != len(tr.Metrics) {
			t.Errorf("%s: decoded %+v", name, n)
		}
	}
}

// TestRequestHeadersAreThoseOfPythonRequests reads the request off a raw
// socket, so the header names are checked as written on the wire.
func TestRequestHeadersAreThoseOfPythonRequests(t *testing.T) {
	addr, request := wirecapture.Serve(t, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
	e := New(Options{Clock: clocktest.New(start), HTTPClient: &http.Client{}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if !e.post(ctx, job{address: "http://" + addr + "/hook", body: mustBody(t, wideTransition())}) {
		t.Fatal("post failed")
	}
	r := request()
	if r.Line != "POST /hook HTTP/1.1" || r.Body != wideBody {
		t.Errorf("request line %q, body %q", r.Line, r.Body)
	}
	want := map[string]bool{
		"Host: " + addr:                                  true,
		"User-Agent: python-requests/2.28.1":             true,
		"Accept-Encoding: gzip, deflate":                 true,
		"Accept: */*":                                    true,
		"Connection: keep-alive":                         true,
		"content-type: application/json":                 true,
		"Content-Length: " + strconv.Itoa(len(wideBody)): true,
	}
	for _, h := range r.Head {
		if !want[h] {
			t.Errorf("unexpected header line %q", h)
		}
		delete(want, h)
	}
	for h := range want {
		t.Errorf("missing header line %q", h)
	}
}
