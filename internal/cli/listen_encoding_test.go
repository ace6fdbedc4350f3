package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/monhook/monhook/receiver"
	"github.com/monhook/monhook/webhook"
)

// listen names an older release's encoding in the delivery line, as a
// note: the line still ends "ok", and simplejson (the default) is unmarked.
func TestListenNotesTheEncoding(t *testing.T) {
	b := webhook.Body{AlarmID: "a", AlarmDefinitionID: "d", AlarmName: "n", State: "ALARM", OldState: "OK",
		TenantID: "t", AlarmTimestamp: 1, Message: "m",
		Metrics: []webhook.Metric{{Name: "cpu.idle_perc", Dimensions: []webhook.Dimension{{Key: "hostname", Value: "h"}}}}}
	for enc, note := range map[webhook.Encoding]string{
		webhook.JSON:       "(json, as Mitaka to Ocata send it)  ok",
		webhook.UJSON:      "(ujson, as Pike to Train send it)  ok",
		webhook.SimpleJSON: "",
	} {
		body := b.EncodeAs(enc)
		n, findings, err := receiver.Validate(body)
		if err != nil || len(findings) != 0 {
			t.Fatalf("%s: a Monasca body must parse without findings: %v %v", enc, findings, err)
		}
		line := deliveryLine(receiver.Delivery{ReceivedAt: time.Unix(0, 0), Body: body, Notification: n, Status: 204, Remote: "r"}, false)
		switch {
		case note == "" && (strings.Contains(line, "json,") || !strings.HasSuffix(line, "  ok")):
			t.Errorf("%s: %s", enc, line)
		case note != "" && !strings.HasSuffix(line, note):
			t.Errorf("%s: %s, want it to end %q", enc, line, note)
		}
	}
}
