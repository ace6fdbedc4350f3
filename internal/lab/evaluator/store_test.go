package evaluator

import (
	"fmt"
	"sync"

	"github.com/monhook/monhook/internal/lab/model"
)

// memStore is a minimal model.Store for the engine's tests.
type memStore struct {
	mu          sync.Mutex
	defs        map[string]model.AlarmDefinition
	alarms      map[string]model.Alarm
	order       []string
	transitions []model.Transition
	notify      chan model.Transition // buffered; nil: not sent
	bus         model.Bus
}

func newMemStore() *memStore {
	return &memStore{defs: map[string]model.AlarmDefinition{}, alarms: map[string]model.Alarm{},
		notify: make(chan model.Transition, 100)}
}

func (s *memStore) Definition(id string) (model.AlarmDefinition, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.defs[id]
	return d, ok
}

func (s *memStore) Definitions() []model.AlarmDefinition {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []model.AlarmDefinition
	for _, d := range s.defs {
		out = append(out, d)
	}
	return out
}

func (s *memStore) NotificationMethod(string) (model.NotificationMethod, bool) {
	return model.NotificationMethod{}, false
}

func (s *memStore) Alarm(id string) (model.Alarm, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.alarms[id]
	return a, ok
}

func (s *memStore) AlarmsForDefinition(id string) []model.Alarm {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []model.Alarm
	for _, aid := range s.order {
		if a, ok := s.alarms[aid]; ok && a.DefinitionID == id {
			out = append(out, a)
		}
	}
	return out
}

func (s *memStore) CreateAlarm(a model.Alarm) (model.Alarm, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a.ID == "" {
		a.ID = fmt.Sprintf("alarm-%d", len(s.order)+1)
	}
	s.alarms[a.ID] = a
	s.order = append(s.order, a.ID)
	return a, nil
}

func (s *memStore) AddAlarmMetric(alarmID string, m model.MetricDef) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.alarms[alarmID]
	if !ok {
		return fmt.Errorf("alarm %s not found", alarmID)
	}
	a.Metrics = append(a.Metrics, m)
	s.alarms[alarmID] = a
	return nil
}

func (s *memStore) TransitionAlarm(t model.Transition) bool {
	s.mu.Lock()
	a, ok := s.alarms[t.AlarmID]
	if !ok || a.State == t.NewState {
		s.mu.Unlock()
		return false
	}
	a.State = t.NewState
	a.StateUpdatedTimestamp = t.Timestamp
	s.alarms[t.AlarmID] = a
	s.transitions = append(s.transitions, t)
	s.mu.Unlock()
	if s.bus != nil {
		s.bus.Publish(model.AlarmTransitioned{Transition: t})
	}
	s.notify <- t
	return true
}

func (s *memStore) Transitions() []model.Transition {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]model.Transition(nil), s.transitions...)
}

func (s *memStore) alarmList() []model.Alarm {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []model.Alarm
	for _, id := range s.order {
		if a, ok := s.alarms[id]; ok {
			out = append(out, a)
		}
	}
	return out
}

// chanBus is a minimal model.Bus: every subscriber gets a large buffer,
// enough for a test.
type chanBus struct {
	mu   sync.Mutex
	subs []chan any
}

func (b *chanBus) Publish(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.subs {
		c <- ev
	}
}

func (b *chanBus) Subscribe() (<-chan any, func()) {
	c := make(chan any, 1000)
	b.mu.Lock()
	b.subs = append(b.subs, c)
	b.mu.Unlock()
	return c, func() {}
}
