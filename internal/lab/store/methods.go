package store

import (
	"fmt"
	"slices"

	"github.com/monhook/monhook/internal/lab/model"
)

// NotificationTypes returns the registered notification method types.
func (s *Store) NotificationTypes() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]string(nil), s.types...)
}

// SetNotificationTypes replaces the registered types (as monasca-notification
// does at startup from its enabled plugins).
func (s *Store) SetNotificationTypes(types []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.types = append([]string(nil), types...)
}

// NotificationMethod implements model.Store: any tenant's method by id.
func (s *Store) NotificationMethod(id string) (model.NotificationMethod, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.methods[id]
	return m, ok
}

// TenantMethod returns the tenant's method, or ErrNotFound.
func (s *Store) TenantMethod(tenantID, id string) (model.NotificationMethod, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.methods[id]
	if !ok || m.TenantID != tenantID {
		return model.NotificationMethod{}, ErrNotFound
	}
	return m, nil
}

// TenantMethods returns all the tenant's methods, in no particular order.
func (s *Store) TenantMethods(tenantID string) []model.NotificationMethod {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []model.NotificationMethod
	for _, m := range s.methods {
		if m.TenantID == tenantID {
			out = append(out, m)
		}
	}
	return out
}

// CheckMethodName returns a *ConflictError when another of the tenant's
// methods (not exceptID) already has name. The API calls it before the type
// check, because Monasca checks the name first.
func (s *Store) CheckMethodName(tenantID, name, exceptID string) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.methodNameConflictLocked(tenantID, name, exceptID)
}

func (s *Store) methodNameConflictLocked(tenantID, name, exceptID string) error {
	for _, m := range s.methods {
		if m.TenantID != tenantID || m.Name != name || m.ID == exceptID {
			continue
		}
		if exceptID == "" {
			return &ConflictError{Msg: fmt.Sprintf("A notification method with the name %s already exists", name)}
		}
		return &ConflictError{Msg: fmt.Sprintf("A notification method with name %s already exists with id %s", name, m.ID)}
	}
	return nil
}

// CreateMethod stores m with a fresh id and timestamps.
func (s *Store) CreateMethod(m model.NotificationMethod) (model.NotificationMethod, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.methodNameConflictLocked(m.TenantID, m.Name, ""); err != nil {
		return model.NotificationMethod{}, err
	}
	m.ID = newID()
	m.CreatedAt = s.clock.Now().UTC()
	m.UpdatedAt = m.CreatedAt
	s.methods[m.ID] = m
	return m, nil
}

// UpdateMethod replaces the tenant's method m.ID (name, type, address,
// period), keeping its creation time.
func (s *Store) UpdateMethod(m model.NotificationMethod) (model.NotificationMethod, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.methodNameConflictLocked(m.TenantID, m.Name, m.ID); err != nil {
		return model.NotificationMethod{}, err
	}
	old, ok := s.methods[m.ID]
	if !ok || old.TenantID != m.TenantID {
		return model.NotificationMethod{}, ErrNotFound
	}
	m.CreatedAt = old.CreatedAt
	m.UpdatedAt = s.clock.Now().UTC()
	s.methods[m.ID] = m
	return m, nil
}

// DeleteMethod removes the tenant's method and, like the DB's ON DELETE
// CASCADE on alarm_action, silently removes its id from every definition's
// action lists. It publishes MethodDeleted.
func (s *Store) DeleteMethod(tenantID, id string) error {
	s.mu.Lock()
	m, ok := s.methods[id]
	if !ok || m.TenantID != tenantID {
		s.mu.Unlock()
		return ErrNotFound
	}
	delete(s.methods, id)
	drop := func(ids []string) []string {
		return slices.DeleteFunc(slices.Clone(ids), func(x string) bool { return x == id })
	}
	for did, d := range s.defs {
		d.AlarmActions = drop(d.AlarmActions)
		d.OKActions = drop(d.OKActions)
		d.UndeterminedActions = drop(d.UndeterminedActions)
		s.defs[did] = d
	}
	s.mu.Unlock()
	s.publish(model.MethodDeleted{MethodID: id})
	return nil
}
