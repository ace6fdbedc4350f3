package api

import (
	"errors"
	"fmt"
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

// maxActionLen is MAX_ITEM_LENGTH for notification ids in action lists.
const maxActionLen = 50

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

// defInput is a parsed request body; nil fields were absent.
type defInput struct {
	name, expression, description, severity *string
	matchBy                                 *[]string
	actions                                 map[string]*[]string // by state
	actionsEnabled                          *bool
}

var actionKeys = map[string]string{
	"alarm_actions": model.StateAlarm, "ok_actions": model.StateOK, "undetermined_actions": model.StateUndetermined,
}

func schemaErr(format string, args ...any) error { return unprocessable(fmt.Sprintf(format, args...)) }

// parseDefinition is _validate_alarm_definition (the voluptuous schema,
// required=requireAll) for POST and PUT; with strict false it is PATCH,
// which Python runs without the schema, checking only what it must.
func parseDefinition(body any, requireAll, strict bool) (*defInput, error) {
	obj, ok := body.(map[string]any)
	if !ok {
		return nil, schemaErr("expected a dictionary")
	}
	in := &defInput{actions: map[string]*[]string{}}
	str := func(key string, max int, dst **string) error {
		v, set := obj[key]
		if !set {
			if requireAll || (strict && (key == "name" || key == "expression")) {
				return schemaErr("required key not provided @ data['%s']", key)
			}
			return nil
		}
		s, ok := v.(string)
		if !ok {
			return schemaErr("expected str for dictionary value @ data['%s']", key)
		}
		if max > 0 && len([]rune(s)) > max {
			return schemaErr("length of value must be at most %d for dictionary value @ data['%s']", max, key)
		}
		*dst = &s
		return nil
	}
	strList := func(key string) (*[]string, error) {
		v, set := obj[key]
		if !set {
			if requireAll {
				return nil, schemaErr("required key not provided @ data['%s']", key)
			}
			return nil, nil
		}
		raw, ok := v.([]any)
		if !ok {
			return nil, schemaErr("expected list for dictionary value @ data['%s']", key)
		}
		out := make([]string, 0, len(raw))
		for _, x := range raw {
			s, ok := x.(string)
			if !ok {
				return nil, schemaErr("expected str @ data['%s']", key)
			}
			out = append(out, s)
		}
		return &out, nil
	}
	if err := str("name", 255, &in.name); err != nil {
		return nil, err
	}
	if err := str("expression", 0, &in.expression); err != nil {
		return nil, err
	}
	if err := str("description", 255, &in.description); err != nil {
		return nil, err
	}
	if err := str("severity", 0, &in.severity); err != nil {
		return nil, err
	}
	if in.severity != nil {
		up := strings.ToUpper(*in.severity)
		if !slices.Contains(severities, up) {
			return nil, schemaErr("not a valid value for dictionary value @ data['severity']")
		}
		in.severity = &up
	}
	var err error
	if in.matchBy, err = strList("match_by"); err != nil {
		return nil, err
	}
	if in.matchBy != nil {
		for _, k := range *in.matchBy {
			if err := validateDimensionKey(k); err != nil {
				return nil, schemaErr("%s", err.Error())
			}
		}
	}
	for _, key := range []string{"alarm_actions", "ok_actions", "undetermined_actions"} {
		l, err := strList(key)
		if err != nil {
			return nil, err
		}
		if l == nil {
			continue
		}
		seen := map[string]bool{}
		for _, id := range *l {
			if len(id) > maxActionLen {
				return nil, schemaErr("length of value must be at most %d @ data['%s']", maxActionLen, key)
			}
			if seen[id] {
				return nil, schemaErr("Duplicate %s notification method %s", actionKeys[key], id)
			}
			seen[id] = true
		}
		in.actions[actionKeys[key]] = l
	}
	if v, set := obj["actions_enabled"]; set {
		b, ok := v.(bool)
		if !ok && strict {
			return nil, schemaErr("expected bool for dictionary value @ data['actions_enabled']")
		}
		if !ok {
			// PATCH skips the schema: Python stores what it got, and a
			// string such as 'true' is truthy (tempest sends 'true').
			b = truthy(v)
		}
		in.actionsEnabled = &b
	} else if requireAll {
		return nil, schemaErr("required key not provided @ data['actions_enabled']")
	}
	return in, nil
}

func truthy(v any) bool {
	switch x := v.(type) {
	case string:
		return strings.EqualFold(x, "true")
	case nil:
		return false
	}
	return true
}

// parseExpression turns a parse failure into 422 "Invalid alarm expression".
func parseExpression(s string) (*expr.Expression, error) {
	e, err := expr.Parse(s)
	if err != nil {
		var pe *expr.ParseError
		if errors.As(err, &pe) {
			return nil, &apiError{http.StatusUnprocessableEntity, titleInvalidExpr, pe.Error()}
		}
		return nil, &apiError{http.StatusUnprocessableEntity, titleInvalidExpr, err.Error()}
	}
	return e, nil
}

func (a *API) createDefinition(q *request, _ []string) {
	if !q.canWrite() {
		return
	}
	body, ok := q.readJSON()
	if !ok {
		return
	}
	in, err := parseDefinition(body, false, true)
	if err != nil {
		q.fail(err)
		return
	}
	e, err := parseExpression(*in.expression)
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
	if err := a.store.CheckDefinitionName(q.tenant, d.Name, ""); err != nil {
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
	body, ok := q.readJSON()
	if !ok {
		return
	}
	in, err := parseDefinition(body, !patch, !patch)
	if err != nil {
		q.fail(err)
		return
	}
	var newExpr *expr.Expression
	if in.expression != nil {
		if newExpr, err = parseExpression(*in.expression); err != nil {
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
	if in.matchBy != nil && !slices.Equal(nonNil(*in.matchBy), nonNil(d.MatchBy)) {
		return invalidUpdate("match_by must not change")
	}
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

// sameMetrics enforces that an update keeps the number of sub-expressions
// and their metrics (name and dimensions); function, operator, threshold,
// period(s) and the boolean structure may change. Sub-expressions are
// compared as a multiset of metrics, not by position (how the repository
// pairs them is not in the reference).
func sameMetrics(old, updated []expr.SubExpression) error {
	if len(old) != len(updated) {
		return invalidUpdate("number of subexpressions must not change")
	}
	key := func(s expr.SubExpression) string {
		return s.MetricName + expr.FormatDimensions(s.Dimensions)
	}
	count := map[string]int{}
	for _, s := range old {
		count[key(s)]++
	}
	for _, s := range updated {
		if count[key(s)] == 0 {
			return invalidUpdate("metrics in subexpression must not change")
		}
		count[key(s)]--
	}
	return nil
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

func (a *API) listDefinitions(q *request, _ []string) {
	if !q.canRead() {
		return
	}
	name, hasName := q.query("name")
	dims, err := q.queryDimensions("dimensions")
	if err != nil {
		q.fail(err)
		return
	}
	var sevs []string
	if s, ok := q.query("severity"); ok {
		for _, x := range strings.Split(s, "|") {
			if !slices.Contains(severities, strings.ToUpper(x)) {
				q.fail(unprocessable(fmt.Sprintf("Invalid severity %s", x)))
				return
			}
			sevs = append(sevs, strings.ToUpper(x))
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
		if hasName && d.Name != name {
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

func deref(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}

func derefList(p *[]string) []string {
	if p == nil {
		return []string{}
	}
	return slices.Clone(*p)
}
