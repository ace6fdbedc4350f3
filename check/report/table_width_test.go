package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestTableAtEightyColumnsPrintsEveryIDURLAndExpressionWhole: the stage
// table, the --keep list and the leaked list keep what people copy in one
// piece on an 80-column terminal.
func TestTableAtEightyColumnsPrintsEveryIDURLAndExpressionWhole(t *testing.T) {
	t.Setenv("COLUMNS", "80")
	m, d, a := "2061d476-06b7-45ea-9685-3350562f3de9", "ea214990-17a1-476b-b52b-2578667360b8", "eee955e8-041b-44ef-b872-445d04ffaf09"
	url := "http://127.0.0.1:36155/monitoring/v2.0/"
	expr := "max(monhook.synthetic{monhook_run=gxydwbtb}) > 50"
	start := time.Date(2026, 1, 26, 10, 0, 0, 0, time.UTC)
	base := Report{
		RunID: "gxydwbtb", Scenario: "synthetic", StartedAt: start, Verdict: VerdictPass,
		Stages: []Stage{
			{Name: "auth", Status: StatusOK, StartedAt: &start, Detail: "token for project f79a4ed8f30955ee77dd236152e062c5; monitoring endpoint " + url},
			{Name: "notification-method", Status: StatusOK, StartedAt: &start, Detail: m + " (monhook-gxydwbtb-webhook-20261207T031043Z, period 0)"},
			{Name: "alarm-definition", Status: StatusOK, StartedAt: &start, Detail: d + ": " + expr},
			{Name: "alarm", Status: StatusOK, StartedAt: &start, Detail: "alarm " + a + " on monhook.synthetic{monhook_run=gxydwbtb}: ALARM"},
			{Name: "teardown", Status: StatusOK, StartedAt: &start, Detail: "deleted notification-method " + m + ", alarm-definition " + d},
		},
		Resources: []Resource{
			{Kind: KindAlarmDefinition, ID: d, Name: "monhook-gxydwbtb-alarm"},
			{Kind: KindNotificationMethod, ID: m, Name: "monhook-gxydwbtb-webhook-20261207T031043Z"},
		},
	}
	kept := base
	kept.Kept = true
	leaked := base
	leaked.Leaked = []Resource{
		{Kind: KindNotificationMethod, ID: m, Name: "monhook-gxydwbtb-webhook-20261207T031043Z", Error: "DELETE " + url + "notification-methods/" + m + ": 503"},
		{Kind: KindAlarmDefinition, ID: d, Name: "monhook-gxydwbtb-alarm", Error: "DELETE: 503 Service unavailable"},
	}
	for name, r := range map[string]*Report{"kept": &kept, "leaked": &leaked} {
		var b bytes.Buffer
		if err := WriteTable(&b, r); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, whole := range []string{m, d, a, url, expr, "f79a4ed8f30955ee77dd236152e062c5", "monhook-gxydwbtb-webhook-20261207T031043Z"} {
			if !strings.Contains(out, whole) {
				t.Errorf("%s: %q is split or missing:\n%s", name, whole, out)
			}
		}
		// Each id's every occurrence is whole: a split one leaves its
		// first part without the rest.
		for _, id := range []string{m, d, a} {
			if parts, whole := strings.Count(out, id[:9]), strings.Count(out, id); parts != whole || whole == 0 {
				t.Errorf("%s: %s appears %d times, whole %d times:\n%s", name, id, parts, whole, out)
			}
		}
		for _, line := range strings.Split(out, "\n") {
			if n := len([]rune(line)); n > 80 && strings.Contains(strings.TrimSpace(line), " ") {
				t.Errorf("%s: line of %d columns: %q", name, n, line)
			}
		}
	}
}

func TestKeptAndLeakedListsUseCleanupsColumnOrder(t *testing.T) {
	t.Setenv("COLUMNS", "200")
	r := &Report{RunID: "x", Kept: true, Resources: []Resource{{Kind: KindAlarmDefinition, ID: "b461", Name: "monhook-x-alarm"}}}
	var b bytes.Buffer
	if err := WriteTable(&b, r); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`KIND\s*│\s*NAME\s*│\s*ID`).MatchString(b.String()) {
		t.Errorf("kept list is not KIND, NAME, ID like monhook cleanup:\n%s", b.String())
	}
}

// TestDeliveriesTableShowsTheConsumersAnswerAtEightyColumns: with
// --forward-to each delivery row carries the consumer's answer (status and
// latency, refused, timeout), the table stays within 80 columns and the
// findings' ids whole; without it there is no CONSUMER column.
func TestDeliveriesTableShowsTheConsumersAnswerAtEightyColumns(t *testing.T) {
	t.Setenv("COLUMNS", "80")
	start := time.Date(2026, 1, 26, 10, 0, 0, 0, time.UTC)
	id := "ea214990-17a1-476b-b52b-2578667360b8"
	url := "http://consumer.example.com:9095/openstack/alerts"
	d := func(seq int, c *Consumer, findings ...Finding) Delivery {
		return Delivery{Seq: seq, ReceivedAt: start.Add(time.Duration(seq) * time.Second), State: "ALARM", OldState: "UNDETERMINED",
			ResponseStatus: 502, Consumer: c, Findings: findings}
	}
	r := &Report{RunID: "gxydwbtb", Scenario: "synthetic", StartedAt: start, Verdict: VerdictFail, Deliveries: []Delivery{
		d(1, &Consumer{URL: url, Status: 200, LatencyMS: 1.031506}),
		d(2, &Consumer{URL: url, Status: 404, LatencyMS: 12.4, Body: "Cannot POST"}),
		d(3, &Consumer{URL: url, Error: "connection refused (nothing listens there)"}),
		d(4, &Consumer{URL: url, Error: "no answer within 5s"},
			Finding{Code: "wrong-definition", Detail: "alarm_definition_id " + id + " is not this run's definition"}),
	}}
	var b bytes.Buffer
	if err := WriteTable(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"CONSUMER", "200 (1.0ms)", "404 (12ms)", "refused", "timeout", id} {
		if !strings.Contains(out, want) {
			t.Errorf("%q is split or missing:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if n := len([]rune(line)); n > 80 {
			t.Errorf("line of %d columns: %q", n, line)
		}
	}

	for i := range r.Deliveries {
		r.Deliveries[i].Consumer = nil
	}
	b.Reset()
	if err := WriteTable(&b, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "CONSUMER") {
		t.Errorf("a CONSUMER column without --forward-to:\n%s", b.String())
	}
}
