package evaluator

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/monhook/monhook/internal/lab/expr"
	"github.com/monhook/monhook/internal/lab/model"
)

// definition is an alarm definition as the engine holds it.
type definition struct {
	def    model.AlarmDefinition
	expr   *expr.Expression
	subs   []expr.SubExpression
	groups map[string]*alarm // by match_by group
	byID   map[string]*alarm
	// waiting are groups whose series do not yet cover every
	// sub-expression (AlarmCreationBolt's waitingAlarms): no alarm exists
	// for them in the store, and their measurements feed no window.
	waiting map[string]*alarm
}

func indexKey(tenant, name string) string { return tenant + "\x00" + name }

// upsertDefinition adds a definition or applies an edit. An edit keeps each
// alarm's state and, where the function and period are unchanged, its data;
// every sub-alarm then reports its next state even if unchanged
// (MetricAggregationBolt.handleAlarmUpdated).
func (e *Engine) upsertDefinition(def model.AlarmDefinition) {
	parsed, err := expr.Parse(def.Expression)
	if err != nil {
		e.log.Warn("alarm definition with an invalid expression ignored", "definition", def.ID, "err", err)
		return
	}
	now := e.clock.Now().UnixNano()
	e.mu.Lock()
	defer e.mu.Unlock()
	d := e.defs[def.ID]
	if d == nil {
		d = &definition{groups: map[string]*alarm{}, byID: map[string]*alarm{}, waiting: map[string]*alarm{}}
		e.defs[def.ID] = d
	} else {
		e.unindex(d)
	}
	subs := parsed.SubExpressions()
	for _, a := range d.byID {
		if len(a.subs) != len(subs) {
			a.subs = newSubAlarms(subs, e.t, now)
			continue
		}
		for i, s := range a.subs {
			compatible := s.compatible(subs[i])
			s.expr = subs[i]
			s.noState = true
			if !compatible {
				s.reset(e.t, now)
			}
		}
	}
	d.def, d.expr, d.subs = def, parsed, subs
	e.reindex(d)
}

func newSubAlarms(subs []expr.SubExpression, t timing, now int64) []*subAlarm {
	out := make([]*subAlarm, len(subs))
	for i, s := range subs {
		out[i] = newSubAlarm(s, t, now)
	}
	return out
}

func (e *Engine) reindex(d *definition) {
	seen := map[string]bool{}
	for _, s := range d.subs {
		k := indexKey(d.def.TenantID, s.MetricName)
		if !seen[k] {
			seen[k] = true
			e.index[k] = append(e.index[k], d)
		}
	}
}

func (e *Engine) unindex(d *definition) {
	for _, s := range d.subs {
		k := indexKey(d.def.TenantID, s.MetricName)
		list := e.index[k]
		for i := 0; i < len(list); i++ {
			if list[i] == d {
				list = append(list[:i], list[i+1:]...)
				i--
			}
		}
		if len(list) == 0 {
			delete(e.index, k)
		} else {
			e.index[k] = list
		}
	}
}

func (e *Engine) deleteDefinition(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if d := e.defs[id]; d != nil {
		e.unindex(d)
		delete(e.defs, id)
	}
}

// deleteAlarm forgets an alarm; matching measurements create a new one
// (AlarmCreationBolt.removeAlarm only drops its cache entry).
func (e *Engine) deleteAlarm(defID, alarmID string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, d := range e.defs {
		if defID != "" && d.def.ID != defID {
			continue
		}
		if a := d.byID[alarmID]; a != nil {
			delete(d.byID, alarmID)
			delete(d.groups, a.group)
		}
	}
}

// load takes over what the store already holds when the engine starts.
func (e *Engine) load() {
	for _, def := range e.store.Definitions() {
		e.upsertDefinition(def)
		e.mu.Lock()
		d := e.defs[def.ID]
		if d != nil {
			now := e.clock.Now().UnixNano()
			for _, sa := range e.store.AlarmsForDefinition(def.ID) {
				if len(sa.Metrics) == 0 {
					continue
				}
				a := &alarm{id: sa.ID, group: groupKey(def.MatchBy, sa.Metrics[0].Dimensions),
					state: sa.State, metricKeys: map[string]struct{}{}, subs: newSubAlarms(d.subs, e.t, now)}
				for _, m := range sa.Metrics {
					a.addMetric(m.Name, m.Dimensions)
				}
				d.groups[a.group] = a
				d.byID[a.id] = a
			}
		}
		e.mu.Unlock()
	}
}

// groupKey is the alarm a series belongs to: its values of the match_by
// dimensions (all series share one alarm without match_by).
func groupKey(matchBy []string, dims map[string]string) string {
	if len(matchBy) == 0 {
		return ""
	}
	var b strings.Builder
	for _, k := range matchBy {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(dims[k])
		b.WriteByte(0)
	}
	return b.String()
}

// matches reports whether a series' dimensions include the sub-expression's.
func matches(sub expr.SubExpression, name string, dims map[string]string) bool {
	if sub.MetricName != name {
		return false
	}
	for k, v := range sub.Dimensions {
		if got, ok := dims[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// ingest feeds a batch of measurements: a series that fits a definition
// joins (or completes) an alarm of its match_by group, values go into the
// windows of the sub-alarms they match, and the fast-path sub-alarms are
// evaluated at once.
func (e *Engine) ingest(metrics []model.Metric) {
	now := e.clock.Now()
	ns := now.UnixNano()
	var out []model.Transition
	type newMetric struct {
		alarmID string
		m       model.MetricDef
	}
	var added []newMetric
	e.mu.Lock()
	for _, m := range metrics {
		ts := m.Timestamp.UnixNano()
		slot := e.t.floor(ts)
		for _, d := range e.index[indexKey(m.TenantID, m.Name)] {
			if !d.fits(m.Name, m.Dimensions) {
				continue
			}
			a, joined := e.alarmFor(d, m, now)
			if a == nil {
				continue // still waiting for a metric of another sub-expression
			}
			if joined {
				added = append(added, newMetric{a.id, a.metrics[len(a.metrics)-1]})
			}
			changed := false
			for i, sub := range d.subs {
				if !matches(sub, m.Name, m.Dimensions) {
					continue
				}
				s := a.subs[i]
				if !s.add(m.Value, slot, ts) {
					e.log.Debug("measurement outside the window dropped", "metric", m.Name,
						"timestamp", m.Timestamp, "alarm", a.id)
					continue
				}
				var c bool
				c, e.buf = s.evaluate(ns, e.t.delay, true, e.buf)
				changed = changed || c
			}
			if changed {
				if t, ok := e.evaluateAlarm(d, a, now); ok {
					out = append(out, t)
				}
			}
		}
	}
	e.mu.Unlock()
	for _, n := range added {
		if err := e.store.AddAlarmMetric(n.alarmID, n.m); err != nil {
			e.log.Warn("adding a metric to an alarm failed", "alarm", n.alarmID, "err", err)
		}
	}
	e.publish(out)
}

// fits is AlarmCreationBolt.validMetricDefinition: the series matches at
// least one sub-expression.
func (d *definition) fits(name string, dims map[string]string) bool {
	for _, sub := range d.subs {
		if matches(sub, name, dims) {
			return true
		}
	}
	return false
}

// complete is AlarmCreationBolt.alarmIsComplete: every sub-expression has a
// series of the alarm that matches it.
func (d *definition) complete(a *alarm) bool {
	for _, sub := range d.subs {
		if !slices.ContainsFunc(a.metrics, func(m model.MetricDef) bool { return matches(sub, m.Name, m.Dimensions) }) {
			return false
		}
	}
	return true
}

// alarmFor returns the alarm of m's match_by group and whether m just
// joined that existing alarm. A new group starts as a waiting alarm that
// only the engine knows; once its series cover every sub-expression it is
// created in the store (UNDETERMINED, or OK when deterministic; no event)
// with all of them, as monasca-thresh's AlarmCreationBolt does. nil means
// the group is still waiting. Call with e.mu held.
func (e *Engine) alarmFor(d *definition, m model.Metric, now time.Time) (*alarm, bool) {
	g := groupKey(d.def.MatchBy, m.Dimensions)
	if a := d.groups[g]; a != nil {
		return a, a.addMetric(m.Name, m.Dimensions)
	}
	w := d.waiting[g]
	if w == nil {
		w = &alarm{group: g, metricKeys: map[string]struct{}{}}
		d.waiting[g] = w
	}
	w.addMetric(m.Name, m.Dimensions)
	if !d.complete(w) {
		return nil, false
	}
	delete(d.waiting, g)
	state := defaultState(d.expr.Deterministic())
	stored, err := e.store.CreateAlarm(model.Alarm{
		DefinitionID:          d.def.ID,
		TenantID:              d.def.TenantID,
		Metrics:               cloneMetricDefs(w.metrics),
		State:                 state,
		StateUpdatedTimestamp: now,
		UpdatedTimestamp:      now,
		CreatedTimestamp:      now,
	})
	if err != nil {
		e.log.Warn("creating an alarm failed", "definition", d.def.ID, "err", err)
		return nil, false
	}
	w.id, w.state = stored.ID, state
	w.subs = newSubAlarms(d.subs, e.t, now.UnixNano())
	d.groups[g] = w
	d.byID[w.id] = w
	e.log.Info("alarm created", "alarm", w.id, "definition", d.def.ID, "state", state)
	return w, false
}

func cloneMetricDefs(ms []model.MetricDef) []model.MetricDef {
	out := make([]model.MetricDef, len(ms))
	for i, m := range ms {
		out[i] = model.MetricDef{Name: m.Name, Dimensions: maps.Clone(m.Dimensions)}
	}
	return out
}
