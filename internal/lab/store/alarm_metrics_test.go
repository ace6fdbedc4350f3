package store

import (
	"errors"
	"testing"

	"github.com/monhook/monhook/internal/lab/model"
)

func TestAddAlarmMetricListsTheSeriesOnce(t *testing.T) {
	s, _, _ := newStore(t)
	d, err := s.CreateDefinition(model.AlarmDefinition{TenantID: "t1", Name: "d", Expression: "max(x) > 1"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.CreateAlarm(model.Alarm{DefinitionID: d.ID, Metrics: []model.MetricDef{{Name: "x", Dimensions: map[string]string{"hostname": "h1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	h2 := model.MetricDef{Name: "x", Dimensions: map[string]string{"hostname": "h2"}}
	for range 2 {
		if err := s.AddAlarmMetric(a.ID, h2); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.TenantAlarm("t1", a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Metrics) != 2 || got.Metrics[1].Dimensions["hostname"] != "h2" {
		t.Fatalf("metrics %+v, want h1 then h2 once", got.Metrics)
	}
	if !got.UpdatedTimestamp.Equal(a.UpdatedTimestamp) {
		t.Errorf("updated_timestamp moved from %v to %v", a.UpdatedTimestamp, got.UpdatedTimestamp)
	}
	if err := s.AddAlarmMetric("no-such-alarm", h2); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown alarm: %v, want ErrNotFound", err)
	}
}
