package api

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/internal/lab/store"
)

// alarmTime is the Python API's alarm timestamp: isoformat() of a DATETIME
// column plus "Z", no fractional seconds (reference §5).
const alarmTime = "2006-01-02T15:04:05Z"

// ReasonAPI is the stateChangeReason of a manual state change.
const ReasonAPI = "Alarm state updated via API"

var (
	alarmStates   = []string{model.StateOK, model.StateAlarm, model.StateUndetermined}
	alarmSortKeys = []string{"alarm_id", "alarm_definition_id", "alarm_definition_name", "state", "severity",
		"lifecycle_state", "link", "state_updated_timestamp", "updated_timestamp", "created_timestamp"}
	countGroupBy = []string{"alarm_definition_id", "name", "state", "severity", "link", "lifecycle_state",
		"metric_name", "dimension_name", "dimension_value"}
	severityRank = map[string]string{"LOW": "0", "MEDIUM": "1", "HIGH": "2", "CRITICAL": "3"}
	stateRank    = map[string]string{model.StateOK: "0", model.StateUndetermined: "1", model.StateAlarm: "2"}
)

// v2URI is the URL of the API's /v2.0 root as the client addressed it.
func (q *request) v2URI() string {
	u := q.baseURI()
	if i := strings.Index(u, "/v2.0"); i >= 0 {
		return u[:i+len("/v2.0")]
	}
	return u
}

func metricDocs(ms []model.MetricDef) []map[string]any {
	out := make([]map[string]any, 0, len(ms))
	for _, m := range ms {
		dims := m.Dimensions
		if dims == nil {
			dims = map[string]string{}
		}
		out = append(out, map[string]any{"name": m.Name, "dimensions": dims})
	}
	return out
}

func (a *API) alarmDoc(q *request, al model.Alarm, d model.AlarmDefinition) map[string]any {
	v2 := q.v2URI()
	return map[string]any{
		"id":    al.ID,
		"links": links(v2 + "/alarms/" + al.ID),
		"alarm_definition": map[string]any{
			"id": d.ID, "name": d.Name, "severity": d.Severity,
			"links": links(v2 + "/alarm-definitions/" + d.ID),
		},
		"metrics":                 metricDocs(al.Metrics),
		"state":                   al.State,
		"lifecycle_state":         al.LifecycleState,
		"link":                    al.Link,
		"state_updated_timestamp": al.StateUpdatedTimestamp.UTC().Format(alarmTime),
		"updated_timestamp":       al.UpdatedTimestamp.UTC().Format(alarmTime),
		"created_timestamp":       al.CreatedTimestamp.UTC().Format(alarmTime),
	}
}

// alarmFilter holds the filters shared by GET /alarms and /alarms/count.
type alarmFilter struct {
	definitionID, metricName, lifecycle, link *string
	dims                                      map[string][]string
	states, severities                        []string
	updatedSince                              time.Time
}

func (q *request) alarmFilter() (*alarmFilter, error) {
	f := &alarmFilter{}
	p := q.falconParams()
	opt := func(name string) *string {
		if v, ok := p.param(name); ok {
			return &v
		}
		return nil
	}
	f.definitionID, f.metricName, f.lifecycle, f.link = opt("alarm_definition_id"), opt("metric_name"), opt("lifecycle_state"), opt("link")
	// metric_name, lifecycle_state and link go to the SQL filter as they
	// are: the handler validates none of them.
	// validate_alarm_state takes one state (the repository compares it
	// with "="), validate_severity_query a "|" list; then the dimensions.
	if s, ok := p.param("state"); ok {
		up := pyUpper(s)
		if !slices.Contains(alarmStates, up) {
			return nil, &apiError{http.StatusUnprocessableEntity, "Invalid State",
				fmt.Sprintf("State %s must be one of ['ALARM', 'OK', 'UNDETERMINED']", pyBytesRepr(s))}
		}
		f.states = []string{up}
	}
	var err error
	if s, ok := p.param("severity"); ok {
		if f.severities, err = severityQuery(s); err != nil {
			return nil, err
		}
	}
	if f.dims, err = p.dimensions("metric_dimensions"); err != nil {
		return nil, err
	}
	if s, ok := p.param("state_updated_start_time"); ok {
		t, err := parseISOTime(s)
		if err != nil {
			return nil, unprocessable(err.Error())
		}
		f.updatedSince = t
	}
	return f, nil
}

func (f *alarmFilter) match(al model.Alarm, d model.AlarmDefinition) bool {
	switch {
	case f.definitionID != nil && al.DefinitionID != *f.definitionID,
		f.states != nil && !slices.Contains(f.states, al.State),
		f.severities != nil && !slices.Contains(f.severities, d.Severity),
		f.lifecycle != nil && (al.LifecycleState == nil || *al.LifecycleState != *f.lifecycle),
		f.link != nil && (al.Link == nil || *al.Link != *f.link),
		!f.updatedSince.IsZero() && al.StateUpdatedTimestamp.Before(f.updatedSince):
		return false
	}
	if f.metricName == nil && len(f.dims) == 0 {
		return true
	}
	for _, m := range al.Metrics {
		if (f.metricName == nil || m.Name == *f.metricName) && dimsMatch(m.Dimensions, f.dims) {
			return true
		}
	}
	return false
}

func dimsMatch(have map[string]string, want map[string][]string) bool {
	for k, vals := range want {
		v, ok := have[k]
		if !ok || (len(vals) > 0 && !slices.Contains(vals, v)) {
			return false
		}
	}
	return true
}

type alarmRow struct {
	al  model.Alarm
	def model.AlarmDefinition
}

func (a *API) filteredAlarms(q *request, f *alarmFilter) []alarmRow {
	var rows []alarmRow
	for _, al := range a.store.TenantAlarms(q.tenant) {
		d, ok := a.store.Definition(al.DefinitionID)
		if !ok || !f.match(al, d) {
			continue
		}
		rows = append(rows, alarmRow{al, d})
	}
	return rows
}

func (a *API) listAlarms(q *request, _ []string) {
	if !q.canRead() {
		return
	}
	f, err := q.alarmFilter()
	if err != nil {
		q.fail(err)
		return
	}
	lp, err := q.listParams(alarmSortKeys)
	if err != nil {
		q.fail(err)
		return
	}
	keys, offset, limit := lp.keys, lp.offset, lp.limit
	rows := a.filteredAlarms(q, f)
	sortItems(rows, keys, alarmSortField, func(r alarmRow) string { return r.al.ID })
	page1, more := window(rows, offset, limit)
	elems := make([]any, 0, len(page1))
	for _, r := range page1 {
		elems = append(elems, a.alarmDoc(q, r.al, r.def))
	}
	writeJSON(q.w, http.StatusOK, page(q.selfLink(), alarmingNext(q, offset, limit, more), elems))
}

func alarmSortField(r alarmRow, f string) string {
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	switch f {
	case "alarm_definition_id":
		return r.al.DefinitionID
	case "alarm_definition_name":
		return r.def.Name
	case "state":
		return stateRank[r.al.State]
	case "severity":
		return severityRank[r.def.Severity]
	case "lifecycle_state":
		return str(r.al.LifecycleState)
	case "link":
		return str(r.al.Link)
	case "state_updated_timestamp":
		return r.al.StateUpdatedTimestamp.UTC().Format(time.RFC3339Nano)
	case "updated_timestamp":
		return r.al.UpdatedTimestamp.UTC().Format(time.RFC3339Nano)
	case "created_timestamp":
		return r.al.CreatedTimestamp.UTC().Format(time.RFC3339Nano)
	}
	return r.al.ID
}

func (a *API) getAlarm(q *request, args []string) {
	if !q.canRead() {
		return
	}
	al, err := a.store.TenantAlarm(q.tenant, args[0])
	if err != nil {
		q.fail(err)
		return
	}
	d, _ := a.store.Definition(al.DefinitionID)
	writeJSON(q.w, http.StatusOK, a.alarmDoc(q, al, d))
}

func (a *API) putAlarm(q *request, args []string)   { a.updateAlarm(q, args[0], false) }
func (a *API) patchAlarm(q *request, args []string) { a.updateAlarm(q, args[0], true) }

// updateAlarm: PUT needs state, lifecycle_state and link; PATCH fills
// absent ones from the stored alarm. A new state is a real transition
// (AlarmTransitioned with "Alarm state updated via API").
func (a *API) updateAlarm(q *request, id string, patch bool) {
	if !q.canWrite() {
		return
	}
	body, ok := q.readBody()
	if !ok {
		return
	}
	var stored model.Alarm
	if patch {
		// on_patch validates before it reads the alarm; the lab reads it
		// first only to fill the absent fields, so check the body first.
		if _, _, _, err := parseAlarmUpdate(body, true, stored); err != nil {
			q.fail(err)
			return
		}
		var err error
		if stored, err = a.store.TenantAlarm(q.tenant, id); err != nil {
			q.fail(err)
			return
		}
	}
	newState, lifecycle, link, err := parseAlarmUpdate(body, patch, stored)
	if err != nil {
		q.fail(err)
		return
	}
	al, err := a.store.UpdateAlarm(q.tenant, id, newState, lifecycle, link, ReasonAPI)
	if err != nil {
		q.fail(err)
		return
	}
	d, _ := a.store.Definition(al.DefinitionID)
	writeJSON(q.w, http.StatusOK, a.alarmDoc(q, al, d))
}

func (a *API) deleteAlarm(q *request, args []string) {
	if !q.canWrite() {
		return
	}
	if err := a.store.DeleteAlarm(q.tenant, args[0]); err != nil {
		q.fail(err)
		return
	}
	q.w.WriteHeader(http.StatusNoContent)
}

// countAlarms is GET /alarms/count with optional group_by.
func (a *API) countAlarms(q *request, _ []string) {
	if !q.canRead() {
		return
	}
	f, err := q.alarmFilter()
	if err != nil {
		q.fail(err)
		return
	}
	var groupBy []string
	p := q.falconParams()
	if s, ok := p.param("group_by"); ok {
		// _validate_group_by: the items as split, not trimmed. Upstream
		// prints the allowed values as a Python set, whose order changes
		// from process to process; the lab prints them in a fixed order.
		groupBy = strings.Split(s, ",")
		for _, g := range groupBy {
			if !slices.Contains(countGroupBy, g) {
				q.fail(unprocessable(fmt.Sprintf("One or more group-by values from %s are not in {%s}",
					pyStrListRepr(groupBy), strings.Trim(pyStrListRepr(countGroupBy), "[]"))))
				return
			}
		}
	}
	offset := 0
	if s, ok := p.param("offset"); ok {
		var valid bool
		if offset, valid = pyOffset(s); !valid {
			q.fail(unprocessable(fmt.Sprintf("Offset must be a valid integer, was %s", s)))
			return
		}
	}
	limit, err := q.limit()
	if err != nil {
		q.fail(err)
		return
	}
	rows := a.filteredAlarms(q, f)
	columns := append([]string{"count"}, groupBy...)
	if len(groupBy) == 0 {
		writeJSON(q.w, http.StatusOK, map[string]any{"links": links(q.selfLink()), "columns": columns, "counts": [][]any{{len(rows)}}})
		return
	}
	groups := map[string]map[string]bool{} // group key -> alarm ids
	values := map[string][]any{}
	for _, r := range rows {
		for _, vals := range groupValues(r, groupBy) {
			k := fmt.Sprint(vals...)
			if groups[k] == nil {
				groups[k] = map[string]bool{}
				values[k] = vals
			}
			groups[k][r.al.ID] = true
		}
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	counts := [][]any{}
	for _, k := range keys {
		counts = append(counts, append([]any{len(groups[k])}, values[k]...))
	}
	pageRows, more := window(counts, offset, limit)
	lnk := links(q.selfLink())
	if more {
		lnk = append(lnk, map[string]string{"rel": "next", "href": q.nextLink(strconv.Itoa(offset + limit))})
	}
	writeJSON(q.w, http.StatusOK, map[string]any{"links": lnk, "columns": columns, "counts": pageRows})
}

// groupValues returns the group-by tuples an alarm belongs to; metric and
// dimension fields fan out over the alarm's metrics.
func groupValues(r alarmRow, groupBy []string) [][]any {
	type dim struct{ metric, name, value string }
	var fan []dim
	for _, m := range r.al.Metrics {
		if len(m.Dimensions) == 0 {
			fan = append(fan, dim{metric: m.Name})
		}
		for k, v := range m.Dimensions {
			fan = append(fan, dim{m.Name, k, v})
		}
	}
	if len(fan) == 0 {
		fan = []dim{{}}
	}
	var out [][]any
	seen := map[string]bool{}
	for _, fd := range fan {
		vals := make([]any, 0, len(groupBy))
		for _, g := range groupBy {
			switch g {
			case "alarm_definition_id":
				vals = append(vals, r.al.DefinitionID)
			case "name":
				vals = append(vals, r.def.Name)
			case "state":
				vals = append(vals, r.al.State)
			case "severity":
				vals = append(vals, r.def.Severity)
			case "link":
				vals = append(vals, r.al.Link)
			case "lifecycle_state":
				vals = append(vals, r.al.LifecycleState)
			case "metric_name":
				vals = append(vals, fd.metric)
			case "dimension_name":
				vals = append(vals, fd.name)
			case "dimension_value":
				vals = append(vals, fd.value)
			}
		}
		k := fmt.Sprint(vals...)
		if !seen[k] {
			seen[k] = true
			out = append(out, vals)
		}
	}
	return out
}

// historyTime: state history comes from the metrics database, with
// milliseconds (UNVERIFIED, reference §5).
const historyTime = "2006-01-02T15:04:05.000Z"

func historyDoc(h store.HistoryEntry) map[string]any {
	metrics := make([]map[string]any, 0, len(h.Metrics))
	for _, m := range h.Metrics {
		dims := m.Dimensions
		if dims == nil {
			dims = map[string]string{}
		}
		metrics = append(metrics, map[string]any{"id": nil, "name": m.Name, "dimensions": dims})
	}
	subs := make([]map[string]any, 0, len(h.SubAlarms))
	for _, s := range h.SubAlarms {
		dims := s.Dimensions
		if dims == nil {
			dims = map[string]string{}
		}
		cv := floatsJSON(s.CurrentValues) // [] when there are none
		subs = append(subs, map[string]any{
			"sub_alarm_expression": map[string]any{
				"function": s.Function, "metric_name": s.MetricName, "dimensions": dims, "operator": s.Operator,
				"threshold": floatJSON(s.Threshold), "period": s.Period, "periods": s.Periods, "deterministic": s.Deterministic,
			},
			"sub_alarm_state": s.State, "current_values": cv,
		})
	}
	return map[string]any{
		"id": strconv.FormatInt(h.Timestamp.UnixMilli(), 10), "alarm_id": h.AlarmID, "metrics": metrics,
		"old_state": h.OldState, "new_state": h.NewState, "reason": h.Reason, "reason_data": h.ReasonData,
		"timestamp": h.Timestamp.UTC().Format(historyTime), "sub_alarms": subs,
	}
}

func (a *API) listAlarmHistory(q *request, args []string) {
	if !q.canRead() {
		return
	}
	a.writeHistory(q, a.store.History(q.tenant, args[0]))
}

// listAllHistory is GET /alarms/state-history: like upstream it lists the
// history of the tenant's alarms that exist now and whose metrics match
// dimensions (the alarms repository's metric_dimensions filter), so the
// history of a deleted alarm is only found through its id.
func (a *API) listAllHistory(q *request, _ []string) {
	if !q.canRead() {
		return
	}
	start, end, err := q.historyRange()
	if err != nil {
		q.fail(err)
		return
	}
	dims, err := q.falconParams().dimensions("dimensions")
	if err != nil {
		q.fail(err)
		return
	}
	alarms := map[string]bool{}
	for _, r := range a.filteredAlarms(q, &alarmFilter{dims: dims}) {
		alarms[r.al.ID] = true
	}
	var out []store.HistoryEntry
	for _, h := range a.store.History(q.tenant, "") {
		if alarms[h.AlarmID] && inHistoryRange(h, start, end) {
			out = append(out, h)
		}
	}
	a.writeHistory(q, out)
}

// writeHistory pages oldest-first with helpers.paginate (offset = the last
// element's id, a millisecond timestamp, or its ISO timestamp).
func (a *API) writeHistory(q *request, entries []store.HistoryEntry) {
	limit, err := q.limit()
	if err != nil {
		q.fail(err)
		return
	}
	s, _ := q.falconParams().param("offset")
	after, hasOffset, err := historyOffset(s)
	if err != nil {
		q.fail(err)
		return
	}
	if hasOffset {
		entries = slices.DeleteFunc(entries, func(h store.HistoryEntry) bool { return !historyMillis(h).After(after) })
	}
	rows, more := window(entries, 0, limit)
	elems := make([]any, 0, len(rows))
	for _, h := range rows {
		elems = append(elems, historyDoc(h))
	}
	next := ""
	if more && len(rows) > 0 {
		next = q.nextLink(strconv.FormatInt(rows[len(rows)-1].Timestamp.UnixMilli(), 10))
	}
	writeJSON(q.w, http.StatusOK, page(q.selfLink(), next, elems))
}
