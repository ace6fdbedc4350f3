package store

import (
	"maps"
	"slices"
	"time"

	"github.com/monhook/monhook/internal/lab/model"
)

// HistoryEntry is one recorded state transition (what monasca-persister
// writes to the metrics database from alarm-state-transitions).
type HistoryEntry struct {
	TenantID   string
	AlarmID    string
	Metrics    []model.MetricDef
	OldState   string
	NewState   string
	Reason     string
	ReasonData string
	Timestamp  time.Time
	SubAlarms  []model.SubAlarmState
}

// Alarm implements model.Store: any tenant's alarm by id.
func (s *Store) Alarm(id string) (model.Alarm, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.alarms[id]
	return cloneAlarm(a), ok
}

// AlarmsForDefinition implements model.Store.
func (s *Store) AlarmsForDefinition(definitionID string) []model.Alarm {
	return s.alarmsWhere(func(a model.Alarm) bool { return a.DefinitionID == definitionID })
}

// TenantAlarm returns the tenant's alarm, or ErrNotFound.
func (s *Store) TenantAlarm(tenantID, id string) (model.Alarm, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.alarms[id]
	if !ok || a.TenantID != tenantID {
		return model.Alarm{}, ErrNotFound
	}
	return cloneAlarm(a), nil
}

// TenantAlarms returns the tenant's alarms in no particular order.
func (s *Store) TenantAlarms(tenantID string) []model.Alarm {
	return s.alarmsWhere(func(a model.Alarm) bool { return a.TenantID == tenantID })
}

// alarmsWhere returns copies of the alarms match keeps, in no particular
// order.
func (s *Store) alarmsWhere(match func(model.Alarm) bool) []model.Alarm {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []model.Alarm
	for _, a := range s.alarms {
		if match(a) {
			out = append(out, cloneAlarm(a))
		}
	}
	return out
}

// CreateAlarm implements model.Store. The definition must still exist; the
// alarm's tenant is the definition's. No event is published.
func (s *Store) CreateAlarm(a model.Alarm) (model.Alarm, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.defs[a.DefinitionID]
	if !ok {
		return model.Alarm{}, ErrNotFound
	}
	a = cloneAlarm(a)
	a.TenantID = d.TenantID
	if a.ID == "" {
		a.ID = newID()
	}
	if _, dup := s.alarms[a.ID]; dup {
		return model.Alarm{}, &ConflictError{Msg: "alarm " + a.ID + " already exists"}
	}
	now := s.clock.Now().UTC()
	if a.State == "" {
		a.State = model.StateUndetermined
	}
	for _, ts := range []*time.Time{&a.CreatedTimestamp, &a.UpdatedTimestamp, &a.StateUpdatedTimestamp} {
		if ts.IsZero() {
			*ts = now
		}
	}
	s.alarms[a.ID] = a
	return cloneAlarm(a), nil
}

// AddAlarmMetric implements model.Store. Like the alarm_metric insert of
// monasca-thresh it changes no timestamp of the alarm.
func (s *Store) AddAlarmMetric(alarmID string, m model.MetricDef) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.alarms[alarmID]
	if !ok {
		return ErrNotFound
	}
	for _, have := range a.Metrics {
		if have.Name == m.Name && maps.Equal(have.Dimensions, m.Dimensions) {
			return nil
		}
	}
	a.Metrics = append(a.Metrics, model.MetricDef{Name: m.Name, Dimensions: maps.Clone(m.Dimensions)})
	s.alarms[alarmID] = a
	return nil
}

// TransitionAlarm implements model.Store. OldState is taken from the stored
// alarm; empty definition fields of t are filled from the stored definition,
// so callers need only AlarmID, NewState, Reason and Timestamp.
func (s *Store) TransitionAlarm(t model.Transition) bool {
	s.mu.Lock()
	a, ok := s.alarms[t.AlarmID]
	if !ok || a.State == t.NewState {
		s.mu.Unlock()
		return false
	}
	if t.Timestamp.IsZero() {
		t.Timestamp = s.clock.Now()
	}
	t.OldState = a.State
	t.DefinitionID = a.DefinitionID
	t.TenantID = a.TenantID
	if t.Metrics == nil {
		t.Metrics = cloneMetricDefs(a.Metrics)
	}
	if d, ok := s.defs[a.DefinitionID]; ok {
		if t.AlarmName == "" {
			t.AlarmName = d.Name
			t.AlarmDescription = d.Description
			t.Severity = d.Severity
			t.ActionsEnabled = d.ActionsEnabled
		}
	}
	a.State = t.NewState
	a.StateUpdatedTimestamp = t.Timestamp.UTC()
	a.UpdatedTimestamp = t.Timestamp.UTC()
	s.alarms[a.ID] = a
	s.history = append(s.history, HistoryEntry{
		TenantID: a.TenantID, AlarmID: a.ID, Metrics: cloneMetricDefs(t.Metrics),
		OldState: t.OldState, NewState: t.NewState, Reason: t.Reason, ReasonData: t.ReasonData,
		Timestamp: t.Timestamp.UTC(), SubAlarms: slices.Clone(t.SubAlarms),
	})
	s.mu.Unlock()
	s.publish(model.AlarmTransitioned{Transition: t})
	return true
}

// UpdateAlarm sets the tenant's alarm's lifecycle_state and link, and when
// state differs from the stored one, transitions it with reason (publishing
// AlarmTransitioned). It returns the alarm as stored afterwards.
func (s *Store) UpdateAlarm(tenantID, id, state string, lifecycle, link *string, reason string) (model.Alarm, error) {
	s.mu.Lock()
	a, ok := s.alarms[id]
	if !ok || a.TenantID != tenantID {
		s.mu.Unlock()
		return model.Alarm{}, ErrNotFound
	}
	a.LifecycleState = clonePtr(lifecycle)
	a.Link = clonePtr(link)
	a.UpdatedTimestamp = s.clock.Now().UTC()
	s.alarms[id] = a
	s.mu.Unlock()
	if state != a.State {
		s.TransitionAlarm(model.Transition{AlarmID: id, NewState: state, Reason: reason, ReasonData: "{}"})
	}
	return s.TenantAlarm(tenantID, id)
}

// DeleteAlarm removes the tenant's alarm and publishes AlarmDeleted.
func (s *Store) DeleteAlarm(tenantID, id string) error {
	s.mu.Lock()
	a, ok := s.alarms[id]
	if !ok || a.TenantID != tenantID {
		s.mu.Unlock()
		return ErrNotFound
	}
	delete(s.alarms, id)
	s.mu.Unlock()
	s.publish(model.AlarmDeleted{AlarmID: id, DefinitionID: a.DefinitionID})
	return nil
}

// History returns the tenant's state history, oldest first; alarmID "" means
// all alarms. History outlives deleted alarms, as in the metrics database.
func (s *Store) History(tenantID, alarmID string) []HistoryEntry {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []HistoryEntry
	for _, h := range s.history {
		if h.TenantID == tenantID && (alarmID == "" || h.AlarmID == alarmID) {
			h.Metrics = cloneMetricDefs(h.Metrics)
			h.SubAlarms = slices.Clone(h.SubAlarms)
			out = append(out, h)
		}
	}
	return out
}

func cloneAlarm(a model.Alarm) model.Alarm {
	a.Metrics = cloneMetricDefs(a.Metrics)
	a.LifecycleState = clonePtr(a.LifecycleState)
	a.Link = clonePtr(a.Link)
	return a
}

func cloneMetricDefs(ms []model.MetricDef) []model.MetricDef {
	if ms == nil {
		return nil
	}
	out := make([]model.MetricDef, len(ms))
	for i, m := range ms {
		out[i] = model.MetricDef{Name: m.Name, Dimensions: maps.Clone(m.Dimensions)}
	}
	return out
}

func clonePtr(p *string) *string {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
