package api

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/monhook/monhook/internal/lab/expr"
	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/internal/lab/store"
)

var (
	severities         = []string{"LOW", "MEDIUM", "HIGH", "CRITICAL"}
	definitionSortKeys = []string{"id", "name", "severity", "updated_at", "created_at"}
)

func definitionDoc(d model.AlarmDefinition, href string) map[string]any {
	return map[string]any{
		"id": d.ID, "links": links(href), "name": d.Name, "description": d.Description,
		"expression": d.Expression, "deterministic": d.Deterministic, "match_by": nonNil(d.MatchBy),
		"severity": d.Severity, "actions_enabled": d.ActionsEnabled,
		"alarm_actions": nonNil(d.AlarmActions), "ok_actions": nonNil(d.OKActions),
		"undetermined_actions": nonNil(d.UndeterminedActions),
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// collectionURI is the request URI without its last path segment (the id),
// as alarm definitions and alarms build their links.
func collectionURI(q *request) string {
	u := q.baseURI()
	return u[:strings.LastIndexByte(u, '/')]
}

func (a *API) createDefinition(q *request, _ []string) {
	if !q.canWrite() {
		return
	}
	body, ok := q.readBody()
	if !ok {
		return
	}
	parse := parseDefinition
	if q.java() {
		parse = func(body any, _ bool) (*defInput, error) { return parseJavaDefinition(body) }
	}
	in, err := parse(body, false)
	if err != nil {
		q.fail(err)
		return
	}
	parseExpr := a.parseExpression
	if q.java() {
		parseExpr = a.javaParseExpression
	}
	e, err := parseExpr(*in.expression)
	if err != nil {
		q.fail(err)
		return
	}
	d := model.AlarmDefinition{
		TenantID: q.tenant, Name: *in.name, Expression: *in.expression, Deterministic: e.Deterministic(),
		Description: deref(in.description, ""), Severity: deref(in.severity, "LOW"),
		// POST ignores any actions_enabled sent: it is always true.
		ActionsEnabled: true,
		MatchBy:        derefList(in.matchBy), AlarmActions: derefList(in.actions[model.StateAlarm]),
		OKActions: derefList(in.actions[model.StateOK]), UndeterminedActions: derefList(in.actions[model.StateUndetermined]),
	}
	check := func() error { return a.store.CheckDefinitionName(q.tenant, d.Name, "") }
	if q.java() {
		check = func() error { return a.javaCheckDefinition(d) }
	}
	if err := check(); err != nil {
		q.fail(err)
		return
	}
	d, err = a.store.CreateDefinition(d)
	if err != nil {
		q.fail(err)
		return
	}
	writeJSON(q.w, http.StatusCreated, definitionDoc(d, q.baseURI()+"/"+d.ID))
}

func (a *API) putDefinition(q *request, args []string)   { a.updateDefinition(q, args[0], false) }
func (a *API) patchDefinition(q *request, args []string) { a.updateDefinition(q, args[0], true) }

// updateDefinition is _alarm_definition_update_or_patch: parse the
// expression, check the name (409 even for an unknown id), then in the
// repository: 404, match_by and metric immutability, action ids.
func (a *API) updateDefinition(q *request, id string, patch bool) {
	if !q.canWrite() {
		return
	}
	body, ok := q.readBody()
	if !ok {
		return
	}
	var in *defInput
	var err error
	if patch {
		in, err = parsePatch(body)
	} else {
		in, err = parseDefinition(body, true)
	}
	if err != nil {
		q.fail(err)
		return
	}
	var newExpr *expr.Expression
	if in.expression != nil {
		if newExpr, err = a.parseExpression(*in.expression); err != nil {
			q.fail(err)
			return
		}
	}
	if in.name != nil {
		if err := a.store.CheckDefinitionName(q.tenant, *in.name, id); err != nil {
			q.fail(err)
			return
		}
	}
	d, err := a.store.UpdateDefinition(q.tenant, id, func(d *model.AlarmDefinition) error {
		return applyDefinitionUpdate(d, in, newExpr, patch)
	})
	if err != nil {
		q.fail(err)
		return
	}
	writeJSON(q.w, http.StatusOK, definitionDoc(d, collectionURI(q)+"/"+d.ID))
}

func applyDefinitionUpdate(d *model.AlarmDefinition, in *defInput, newExpr *expr.Expression, patch bool) error {
	if newExpr != nil {
		old, err := expr.Parse(d.Expression)
		if err == nil {
			if err := sameMetrics(old.SubExpressions(), newExpr.SubExpressions()); err != nil {
				return err
			}
		}
		d.Expression = *in.expression
		d.Deterministic = newExpr.Deterministic()
	}
	// The repository checks match_by after the sub-expressions.
	if in.matchBy != nil && !slices.Equal(nonNil(*in.matchBy), nonNil(d.MatchBy)) {
		return invalidUpdate("match_by must not change")
	}
	if in.name != nil {
		d.Name = *in.name
	}
	switch {
	case in.description != nil:
		d.Description = *in.description
	case !patch:
		d.Description = ""
	}
	switch {
	case in.severity != nil:
		d.Severity = *in.severity
	case !patch:
		d.Severity = "LOW"
	}
	if in.actionsEnabled != nil {
		d.ActionsEnabled = *in.actionsEnabled
	}
	if l := in.actions[model.StateAlarm]; l != nil {
		d.AlarmActions = slices.Clone(*l)
	}
	if l := in.actions[model.StateOK]; l != nil {
		d.OKActions = slices.Clone(*l)
	}
	if l := in.actions[model.StateUndetermined]; l != nil {
		d.UndeterminedActions = slices.Clone(*l)
	}
	return nil
}

// sameMetrics is the repository's _determine_sub_expr_changes and the
// check after it: sub-expressions equal in every field are unchanged, the
// others pair up when metric name and dimensions agree (changed), and any
// left unpaired on either side refuses the update. The message compares
// the new side's count (unpaired, changed and unchanged) with the unpaired
// old ones, so replacing one of two metrics reads "number of
// subexpressions must not change".
func sameMetrics(old, updated []expr.SubExpression) error {
	equal := func(a, b expr.SubExpression) bool {
		return a.Function == b.Function && a.MetricName == b.MetricName && maps.Equal(a.Dimensions, b.Dimensions) &&
			a.Operator == b.Operator && a.Threshold == b.Threshold && a.Period == b.Period &&
			a.Periods == b.Periods && a.Deterministic == b.Deterministic
	}
	// Python sets: equal elements collapse onto the first one added.
	set := func(l []expr.SubExpression) []int {
		var idx []int
		for i, x := range l {
			if !slices.ContainsFunc(idx, func(j int) bool { return equal(l[j], x) }) {
				idx = append(idx, i)
			}
		}
		return idx
	}
	minus := func(a []int, la, lb []expr.SubExpression, b []int) []int {
		var out []int
		for _, i := range a {
			if !slices.ContainsFunc(b, func(j int) bool { return equal(la[i], lb[j]) }) {
				out = append(out, i)
			}
		}
		return out
	}
	oldSet, newSet := set(old), set(updated)
	oldOrChanged := minus(oldSet, old, updated, newSet)
	newOrChanged := minus(newSet, updated, old, oldSet)
	pairedOld, pairedNew := map[int]bool{}, map[int]bool{}
	for _, i := range oldOrChanged {
		for _, j := range newOrChanged {
			if old[i].MetricName == updated[j].MetricName && maps.Equal(old[i].Dimensions, updated[j].Dimensions) {
				pairedOld[i], pairedNew[j] = true, true
			}
		}
	}
	remainingOld := len(oldOrChanged) - len(pairedOld)
	remainingNew := len(newOrChanged) - len(pairedNew)
	if remainingOld == 0 && remainingNew == 0 {
		return nil
	}
	changed := len(pairedOld)
	unchanged := len(old) - remainingOld - changed
	if remainingNew+changed+unchanged != remainingOld {
		return invalidUpdate("b'number of subexpressions must not change'")
	}
	return invalidUpdate("b'metrics in subexpression must not change'")
}

// invalidUpdate renders as InvalidUpdateException (422).
func invalidUpdate(msg string) error { return &store.InvalidUpdateError{Msg: msg} }

func (a *API) getDefinition(q *request, args []string) {
	if !q.canRead() {
		return
	}
	d, err := a.store.TenantDefinition(q.tenant, args[0])
	if err != nil {
		q.fail(err)
		return
	}
	writeJSON(q.w, http.StatusOK, definitionDoc(d, collectionURI(q)+"/"+d.ID))
}

func (a *API) deleteDefinition(q *request, args []string) {
	if !q.canWrite() {
		return
	}
	if err := a.store.DeleteDefinition(q.tenant, args[0]); err != nil {
		q.fail(err)
		return
	}
	q.w.WriteHeader(http.StatusNoContent)
}

// severityQuery is validation.validate_severity_query: "|" separates
// severities, each checked by validate_alarm_definition_severity, which
// prints the UTF-8 bytes of the value. The severities come back
// upper-cased.
func severityQuery(s string) ([]string, error) {
	var out []string
	for _, x := range strings.Split(s, "|") {
		if !slices.Contains(severities, pyUpper(x)) {
			return nil, &apiError{http.StatusUnprocessableEntity, "Invalid Severity",
				fmt.Sprintf("Severity %s must be one of ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']", pyBytesRepr(x))}
		}
		out = append(out, pyUpper(x))
	}
	return out, nil
}

func (a *API) listDefinitions(q *request, _ []string) {
	if !q.canRead() {
		return
	}
	// get_query_name and get_query_dimensions, neither validated here.
	p := q.falconParams()
	name, hasName := p.param("name")
	dims := p.unvalidatedDimensions("dimensions")
	var sevs []string
	if s, ok := p.param("severity"); ok {
		var err error
		if sevs, err = severityQuery(s); err != nil {
			q.fail(err)
			return
		}
	}
	lp, err := q.listParams(definitionSortKeys)
	if err != nil {
		q.fail(err)
		return
	}
	keys, offset, limit := lp.keys, lp.offset, lp.limit
	var all []model.AlarmDefinition
	for _, d := range a.store.TenantDefinitions(q.tenant) {
		if hasName && name != "" && d.Name != name { // an empty name filters nothing
			continue
		}
		if sevs != nil && !slices.Contains(sevs, d.Severity) {
			continue
		}
		if len(dims) > 0 && !definitionHasDimensions(d, dims) {
			continue
		}
		all = append(all, d)
	}
	sortItems(all, keys, func(d model.AlarmDefinition, f string) string {
		switch f {
		case "name":
			return d.Name
		case "severity":
			return d.Severity // sorted as text: CRITICAL < HIGH < LOW < MEDIUM
		case "created_at":
			return d.CreatedAt.Format("2006-01-02T15:04:05.000000000")
		case "updated_at":
			return d.UpdatedAt.Format("2006-01-02T15:04:05.000000000")
		}
		return d.ID
	}, func(d model.AlarmDefinition) string { return d.ID })
	rows, more := window(all, offset, limit)
	base := q.baseURI()
	elems := make([]any, 0, len(rows))
	for _, d := range rows {
		elems = append(elems, definitionDoc(d, base+"/"+d.ID))
	}
	writeJSON(q.w, http.StatusOK, page(q.selfLink(), alarmingNext(q, offset, limit, more), elems))
}

// alarmingNext is helpers.paginate_alarming: offset+limit, other
// parameters kept.
func alarmingNext(q *request, offset, limit int, more bool) string {
	if !more {
		return ""
	}
	return q.nextLink(fmt.Sprint(offset + limit))
}

// definitionHasDimensions: every filter pair must appear in some
// sub-expression's dimensions (a bare key: any value).
func definitionHasDimensions(d model.AlarmDefinition, want map[string][]string) bool {
	e, err := expr.Parse(d.Expression)
	if err != nil {
		return false
	}
	for k, vals := range want {
		found := false
		for _, s := range e.SubExpressions() {
			if v, ok := s.Dimensions[k]; ok && (len(vals) == 0 || slices.Contains(vals, v)) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
