package notifier

import (
	"sync"

	"github.com/monhook/monhook/internal/lab/model"
)

// memStore is the part of model.Store the notifier reads.
type memStore struct {
	mu      sync.Mutex
	defs    map[string]model.AlarmDefinition
	methods map[string]model.NotificationMethod
	alarms  map[string]model.Alarm
}

func newMemStore() *memStore {
	return &memStore{defs: map[string]model.AlarmDefinition{}, methods: map[string]model.NotificationMethod{},
		alarms: map[string]model.Alarm{}}
}

func (s *memStore) Definition(id string) (model.AlarmDefinition, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.defs[id]
	return d, ok
}
func (s *memStore) Definitions() []model.AlarmDefinition { return nil }
func (s *memStore) NotificationMethod(id string) (model.NotificationMethod, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.methods[id]
	return m, ok
}
func (s *memStore) Alarm(id string) (model.Alarm, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.alarms[id]
	return a, ok
}
func (s *memStore) AlarmsForDefinition(string) []model.Alarm       { return nil }
func (s *memStore) CreateAlarm(a model.Alarm) (model.Alarm, error) { return a, nil }
func (s *memStore) TransitionAlarm(model.Transition) bool          { return false }
func (s *memStore) AddAlarmMetric(string, model.MetricDef) error   { return nil }
func (s *memStore) setMethod(m model.NotificationMethod) {
	s.mu.Lock()
	s.methods[m.ID] = m
	s.mu.Unlock()
}
func (s *memStore) deleteMethod(id string) { s.mu.Lock(); delete(s.methods, id); s.mu.Unlock() }
func (s *memStore) setAlarmState(id, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.alarms[id]
	a.ID, a.State = id, state
	s.alarms[id] = a
}

// chanBus delivers to each subscriber through a large buffer.
type chanBus struct {
	mu    sync.Mutex
	subs  []chan any
	ready chan struct{} // closed at the first Subscribe
	once  sync.Once
}

func newChanBus() *chanBus { return &chanBus{ready: make(chan struct{})} }

func (b *chanBus) Publish(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.subs {
		c <- ev
	}
}

func (b *chanBus) Subscribe() (<-chan any, func()) {
	c := make(chan any, 1<<16)
	b.mu.Lock()
	b.subs = append(b.subs, c)
	b.mu.Unlock()
	b.once.Do(func() { close(b.ready) })
	return c, func() {}
}
