package api

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/monhook/monhook/internal/lab/expr"
	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/pyjson"
)

// The Java API's POST /v2.0/alarm-definitions (queens-eol:
// resource/AlarmDefinitionResource.java create, app/command/
// CreateAlarmDefinitionCommand.java, app/validation/AlarmValidation.java,
// app/AlarmDefinitionService.java create).

const javaDefinitionClass = "monasca.api.app.command.CreateAlarmDefinitionCommand"

// javaDefinitionFields are the command's properties under Jackson's
// CAMEL_CASE_TO_LOWER_CASE_WITH_UNDERSCORES naming; true for the lists.
var javaDefinitionFields = map[string]bool{
	"name": false, "description": false, "expression": false, "severity": false,
	"match_by": true, "alarm_actions": true, "ok_actions": true, "undetermined_actions": true,
}

// javaStringList is Jackson reading a List<String> with
// ACCEPT_SINGLE_VALUE_AS_ARRAY: a list of scalars, or one scalar as a
// list of one. A null item would crash the validation (500) upstream; the
// lab refuses it like an object.
func javaStringList(v any) ([]string, bool, error) {
	switch x := v.(type) {
	case nil:
		return nil, false, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok, err := javaText(e)
			if err != nil {
				return nil, false, err
			}
			if !ok {
				return nil, false, &javaUnprocessable{"Can not deserialize instance of java.lang.String out of VALUE_NULL token"}
			}
			out = append(out, s)
		}
		return out, true, nil
	case pyjson.Object:
		return nil, false, &javaUnprocessable{"Can not deserialize instance of java.util.ArrayList out of START_OBJECT token"}
	}
	s, _, err := javaText(v)
	return []string{s}, true, err
}

// javaDefinition is the bound command.
type javaDefinition struct {
	text  map[string]string
	given map[string]bool
	lists map[string][]string
}

func (d javaDefinition) str(k string) *string {
	if !d.given[k] {
		return nil
	}
	s := d.text[k]
	return &s
}

// parseJavaDefinition binds the body, then runs the @Valid annotations
// (name and expression @NotEmpty) and AlarmValidation.validate.
func parseJavaDefinition(body any) (*defInput, error) {
	obj, ok := body.(pyjson.Object)
	if !ok {
		if _, list := body.([]any); list {
			return nil, &javaUnprocessable{"Can not deserialize instance of " + javaDefinitionClass + " out of START_ARRAY token"}
		}
		return nil, &javaUnprocessable{"Can not instantiate value of type [simple type, class " + javaDefinitionClass + "] from a JSON scalar"}
	}
	d := javaDefinition{text: map[string]string{}, given: map[string]bool{}, lists: map[string][]string{}}
	for _, m := range obj {
		isList, known := javaDefinitionFields[m.Key]
		if !known {
			return nil, &javaUnprocessable{fmt.Sprintf("Unrecognized field %q (class %s), not marked as ignorable", m.Key, javaDefinitionClass)}
		}
		var err error
		if isList {
			d.lists[m.Key], d.given[m.Key], err = javaStringList(m.Value)
		} else {
			d.text[m.Key], d.given[m.Key], err = javaText(m.Value)
		}
		if err != nil {
			return nil, err
		}
	}
	var errs []string
	for _, k := range []string{"expression", "name"} {
		if !d.given[k] || d.text[k] == "" {
			was := "null"
			if d.given[k] {
				was = ""
			}
			errs = append(errs, fmt.Sprintf("%s may not be empty (was %s)", k, was))
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return nil, &javaError{http.StatusUnprocessableEntity, "[" + strings.Join(errs, ", ") + "]"}
	}
	name, desc := d.text["name"], d.text["description"]
	switch {
	case len([]rune(name)) > 255:
		return nil, javaUnprocessableEntity("Name %s must be 255 characters or less", name)
	case len([]rune(desc)) > 255:
		return nil, javaUnprocessableEntity("Description %s must be 255 characters or less", desc)
	}
	for _, l := range []struct{ key, label, dup string }{
		{"alarm_actions", "Alarm action", "alarm"}, {"ok_actions", "Ok action", "OK"}, {"undetermined_actions", "Undetermined action", "Undetermined"},
	} {
		seen := map[string]bool{}
		for _, act := range d.lists[l.key] {
			if len([]rune(act)) > 50 {
				return nil, javaUnprocessableEntity("%s %s must be 50 characters or less", l.label, act)
			}
			seen[act] = true
		}
		if d.given[l.key] && len(seen) < len(d.lists[l.key]) {
			return nil, javaUnprocessableEntity("Alarm definition cannot have Duplicate %s notification methods", l.dup)
		}
	}
	sev := "LOW"
	if d.given["severity"] {
		sev = d.text["severity"]
		if !strings.Contains(" low medium high critical ", " "+strings.ToLower(sev)+" ") || sev == "" {
			return nil, javaUnprocessableEntity("%s is not a valid severity", sev)
		}
		sev = strings.ToUpper(sev)
	}
	in := &defInput{name: d.str("name"), expression: d.str("expression"), description: d.str("description"), severity: &sev,
		actions: map[string]*[]string{}}
	if d.given["match_by"] {
		mb := d.lists["match_by"]
		in.matchBy = &mb
	}
	for key, state := range actionKeys {
		if d.given[key] {
			l := d.lists[key]
			in.actions[state] = &l
		}
	}
	return in, nil
}

// javaCheckDefinition is AlarmDefinitionService.create's checks after the
// expression: the name (409) and that every action names a method of the
// tenant (422).
func (a *API) javaCheckDefinition(d model.AlarmDefinition) error {
	if err := a.store.CheckDefinitionName(d.TenantID, d.Name, ""); err != nil {
		return &javaError{http.StatusConflict, fmt.Sprintf("An alarm definition already exists for project / tenant: %s named: %s", d.TenantID, d.Name)}
	}
	for _, list := range [][]string{d.AlarmActions, d.OKActions, d.UndeterminedActions} {
		for _, id := range list {
			if _, err := a.store.TenantMethod(d.TenantID, id); err != nil {
				return javaUnprocessableEntity("No notification method exists for action %s", id)
			}
		}
	}
	return nil
}

// javaParseExpression is AlarmValidation.validateNormalizeAndGet: an
// expression the parser refuses is 422 "The alarm expression is invalid"
// with the parser's message as details (the lab's parser's text, not the
// Java ANTLR parser's); a period or periods out of range is 422 with the
// check's own message, which the Java code words as the Python parser does.
func (a *API) javaParseExpression(s string) (*expr.Expression, error) {
	e, err := expr.ParseGrammar(s, expr.Grammar{NoDeterministic: !a.profile.DeterministicAlarms(), NoLast: !a.profile.LastFunction()})
	if err == nil {
		return e, nil
	}
	var pe *expr.ParseError
	if errors.As(err, &pe) && strings.HasPrefix(pe.Msg, "Period") {
		msg := pe.Msg
		if n, ok := strings.CutSuffix(strings.TrimPrefix(msg, "Periods "), " must be 1 or greater"); ok {
			msg = "Periods " + n + " must be greater than or equal to 1"
		}
		return nil, javaUnprocessableEntity("%s", msg)
	}
	return nil, &javaDetailed{http.StatusUnprocessableEntity, "The alarm expression is invalid", err.Error()}
}

// javaDetailed is a fault with details.
type javaDetailed struct {
	code             int
	message, details string
}

func (e *javaDetailed) Error() string { return e.message + ": " + e.details }
