package store

import (
	"fmt"
	"slices"

	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/pyjson"
)

// Definition implements model.Store: any tenant's definition by id.
func (s *Store) Definition(id string) (model.AlarmDefinition, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	d, ok := s.defs[id]
	return cloneDef(d), ok
}

// Definitions implements model.Store: every tenant's definitions.
func (s *Store) Definitions() []model.AlarmDefinition {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]model.AlarmDefinition, 0, len(s.defs))
	for _, d := range s.defs {
		out = append(out, cloneDef(d))
	}
	return out
}

// TenantDefinition returns the tenant's definition, or ErrNotFound.
func (s *Store) TenantDefinition(tenantID, id string) (model.AlarmDefinition, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	d, ok := s.defs[id]
	if !ok || d.TenantID != tenantID {
		return model.AlarmDefinition{}, ErrNotFound
	}
	return cloneDef(d), nil
}

// TenantDefinitions returns the tenant's definitions in no particular order.
func (s *Store) TenantDefinitions(tenantID string) []model.AlarmDefinition {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []model.AlarmDefinition
	for _, d := range s.defs {
		if d.TenantID == tenantID {
			out = append(out, cloneDef(d))
		}
	}
	return out
}

// CheckDefinitionName returns a *ConflictError when another live definition
// of the tenant (not exceptID) has name. Deleted definitions are gone, so
// their names can be reused, as in Monasca.
func (s *Store) CheckDefinitionName(tenantID, name, exceptID string) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.defNameConflictLocked(tenantID, name, exceptID)
}

func (s *Store) defNameConflictLocked(tenantID, name, exceptID string) error {
	if name == "" && exceptID != "" {
		return nil // an update checks the name only when it is non-empty
	}
	for _, d := range s.defs {
		// The repository drops an empty name filter, so on create an empty
		// name collides with any of the tenant's definitions.
		if d.TenantID != tenantID || (name != "" && d.Name != name) || d.ID == exceptID {
			continue
		}
		if exceptID == "" {
			return &ConflictError{Msg: fmt.Sprintf("An alarm definition with the name %s already exists", name)}
		}
		return &ConflictError{Msg: fmt.Sprintf("An alarm definition with the name %s already exists with id %s", name, d.ID)}
	}
	return nil
}

// checkActionsLocked reproduces _insert_into_alarm_action, called for the
// ALARM, UNDETERMINED and OK lists in that order: every id must be an
// existing notification method of ANY tenant (Monasca does not check the
// tenant here).
func (s *Store) checkActionsLocked(d model.AlarmDefinition) error {
	for _, l := range []struct {
		state string
		ids   []string
	}{{model.StateAlarm, d.AlarmActions}, {model.StateUndetermined, d.UndeterminedActions}, {model.StateOK, d.OKActions}} {
		for _, id := range l.ids {
			if _, ok := s.methods[id]; !ok {
				// Python 3 formats the values of encodeutils.to_utf8, bytes,
				// so they print as b'...' reprs.
				return &InvalidUpdateError{Msg: fmt.Sprintf(
					"Non-existent notification id %s submitted for %s notification action", pyjson.BytesRepr(id), pyjson.BytesRepr(l.state))}
			}
		}
	}
	return nil
}

// CreateDefinition stores d with a fresh id and publishes DefinitionCreated.
func (s *Store) CreateDefinition(d model.AlarmDefinition) (model.AlarmDefinition, error) {
	s.mu.Lock()
	if err := s.defNameConflictLocked(d.TenantID, d.Name, ""); err != nil {
		s.mu.Unlock()
		return model.AlarmDefinition{}, err
	}
	if err := s.checkActionsLocked(d); err != nil {
		s.mu.Unlock()
		return model.AlarmDefinition{}, err
	}
	d = cloneDef(d)
	d.ID = newID()
	d.CreatedAt = s.clock.Now().UTC()
	d.UpdatedAt = d.CreatedAt
	s.defs[d.ID] = d
	s.mu.Unlock()
	d = cloneDef(d)
	s.publish(model.DefinitionCreated{Definition: d})
	return cloneDef(d), nil
}

// UpdateDefinition loads the tenant's definition id, lets change modify a
// copy (returning an error aborts), then checks name and actions, stores it
// and publishes DefinitionUpdated. change runs under the store's lock and
// must not call the store.
func (s *Store) UpdateDefinition(tenantID, id string, change func(*model.AlarmDefinition) error) (model.AlarmDefinition, error) {
	s.mu.Lock()
	old, ok := s.defs[id]
	if !ok || old.TenantID != tenantID {
		s.mu.Unlock()
		return model.AlarmDefinition{}, ErrNotFound
	}
	d := cloneDef(old)
	if err := change(&d); err != nil {
		s.mu.Unlock()
		return model.AlarmDefinition{}, err
	}
	d.ID, d.TenantID, d.CreatedAt = old.ID, old.TenantID, old.CreatedAt
	if err := s.defNameConflictLocked(tenantID, d.Name, id); err != nil {
		s.mu.Unlock()
		return model.AlarmDefinition{}, err
	}
	if err := s.checkActionsLocked(d); err != nil {
		s.mu.Unlock()
		return model.AlarmDefinition{}, err
	}
	d.UpdatedAt = s.clock.Now().UTC()
	s.defs[id] = d
	s.mu.Unlock()
	s.publish(model.DefinitionUpdated{Definition: cloneDef(d)})
	return cloneDef(d), nil
}

// DeleteDefinition removes the tenant's definition and hard-deletes its
// alarms, then publishes AlarmDeleted for each alarm and DefinitionDeleted,
// as the API sends alarm-definition-deleted and alarm-deleted events.
func (s *Store) DeleteDefinition(tenantID, id string) error {
	s.mu.Lock()
	d, ok := s.defs[id]
	if !ok || d.TenantID != tenantID {
		s.mu.Unlock()
		return ErrNotFound
	}
	delete(s.defs, id)
	var events []any
	for aid, a := range s.alarms {
		if a.DefinitionID == id {
			delete(s.alarms, aid)
			events = append(events, model.AlarmDeleted{AlarmID: aid, DefinitionID: id})
		}
	}
	s.mu.Unlock()
	events = append(events, model.DefinitionDeleted{DefinitionID: id, TenantID: tenantID})
	s.publish(events...)
	return nil
}

func cloneDef(d model.AlarmDefinition) model.AlarmDefinition {
	d.MatchBy = slices.Clone(d.MatchBy)
	d.AlarmActions = slices.Clone(d.AlarmActions)
	d.OKActions = slices.Clone(d.OKActions)
	d.UndeterminedActions = slices.Clone(d.UndeterminedActions)
	return d
}
