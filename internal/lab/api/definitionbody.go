package api

// The request bodies of POST, PUT and PATCH /alarm-definitions: the schema,
// the patch reading and the expression parse, as the handlers in
// definitions.go use them.

import (
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"

	"github.com/monhook/monhook/internal/lab/expr"
	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/pyjson"
)

// maxActionLen is MAX_ITEM_LENGTH for notification ids in action lists.
const maxActionLen = 50

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

// definitionSchema is alarm_definition_request_body_schema: name and
// expression always required, the rest only under required=True (PUT);
// extra keys allowed.
func definitionSchema(requireAll bool) []field {
	return []field{
		{"name", true, strOf(255)},
		{"expression", true, strOf(0)},
		{"description", requireAll, strOf(255)},
		{"severity", requireAll, func(v any) *vInvalid { // All(Upper, Any(...)): Upper is str(v).upper()
			if !slices.Contains(severities, pyUpper(pyjson.Str(v))) {
				return &vInvalid{msg: "not a valid value"}
			}
			return nil
		}},
		{"match_by", requireAll, strList},
		{"ok_actions", requireAll, actionList(model.StateOK)},
		{"alarm_actions", requireAll, actionList(model.StateAlarm)},
		{"undetermined_actions", requireAll, actionList(model.StateUndetermined)},
		{"actions_enabled", requireAll, func(v any) *vInvalid {
			if _, ok := v.(bool); !ok {
				return &vInvalid{msg: "expected bool"}
			}
			return nil
		}},
	}
}

// actionList is validate_action_list: a list of distinct str of at most 50
// characters.
func actionList(state string) fieldValidator {
	return func(v any) *vInvalid {
		l, ok := v.([]any)
		if !ok {
			return &vInvalid{msg: fmt.Sprintf("Not a list: <class '%s'>", pyjson.TypeName(v))}
		}
		for i, x := range l {
			id, ok := x.(string)
			if !ok {
				return &vInvalid{msg: fmt.Sprintf("list item <%s> -> <class '%s'> not one of (str, unicode)", pyjson.Str(x), pyjson.TypeName(x))}
			}
			if n := pyjson.Len(id); n > maxActionLen {
				return &vInvalid{msg: fmt.Sprintf("length %d > %d", n, maxActionLen)}
			}
			if slices.Contains(l[:i], x) {
				return &vInvalid{msg: fmt.Sprintf("Duplicate %s notification method %s", state, id)}
			}
		}
		return nil
	}
}

// parseDefinition is _validate_alarm_definition for POST (requireAll
// false) and PUT (true): the schema, then each match_by key as a dimension
// key. Every failure is 422 "Unprocessable Entity" with voluptuous's text.
func parseDefinition(body any, requireAll bool) (*defInput, error) {
	if err := validateDict(body, definitionSchema(requireAll), true); err != nil {
		return nil, unprocessable(err.Error())
	}
	obj := body.(pyjson.Object)
	if v, ok := obj.Get("match_by"); ok {
		for _, k := range v.([]any) {
			if err := validateDimensionKey(k.(string)); err != nil {
				return nil, unprocessable(err.Error())
			}
		}
	}
	return definitionInput(obj)
}

// patchKeys are the keys on_patch reads, in its order; the first three
// are read inside a try block that turns a TypeError into 422.
var patchKeys = []string{"name", "expression", "actions_enabled", "description", "alarm_actions",
	"ok_actions", "undetermined_actions", "match_by", "severity"}

// parsePatch is on_patch, which runs no schema: each key present is taken
// as it is. A body that is not an object is probed with Python's "in" and
// indexed: a list or str holding a key name fails with the TypeError, any
// other value with "is not iterable", both 422 (upstream answers some of
// these 500: see the lab package doc); a list or str holding none of the
// keys is an empty patch.
func parsePatch(body any) (*defInput, error) {
	if obj, ok := body.(pyjson.Object); ok {
		// The repository reads None as "keep the stored value" for every
		// field but severity, which get_query_alarm_definition_severity
		// decodes first (upstream 500; the lab's 422 "Invalid severity").
		kept := pyjson.Object{}
		for _, m := range obj {
			if m.Value != nil || m.Key == "severity" {
				kept = append(kept, m)
			}
		}
		return definitionInput(kept)
	}
	var has func(k string) bool
	var indexErr error
	switch x := body.(type) {
	case string:
		has = func(k string) bool { return strings.Contains(x, k) }
		indexErr = notSubscriptable(x)
	case []any:
		has = func(k string) bool { return slices.Contains(x, any(k)) }
		indexErr = notSubscriptable(x)
	default:
		return nil, unprocessable(fmt.Sprintf("argument of type '%s' is not iterable", pyjson.TypeName(body)))
	}
	for _, k := range patchKeys {
		if has(k) {
			return nil, unprocessable(indexErr.Error())
		}
	}
	return &defInput{actions: map[string]*[]string{}}, nil
}

// definitionInput reads the keys present. Under PATCH (no schema upstream)
// a value of the wrong type is refused with the schema's message rather
// than written to the database (see the lab package doc); severity is
// get_query_alarm_definition_severity's check, and actions_enabled is
// stored as bool(value).
func definitionInput(obj pyjson.Object) (*defInput, error) {
	in := &defInput{actions: map[string]*[]string{}}
	for _, m := range obj {
		var err *vInvalid
		switch m.Key {
		case "name", "description":
			err = strOf(255)(m.Value)
		case "expression":
			err = strOf(0)(m.Value)
		case "match_by":
			err = strList(m.Value)
		case "ok_actions":
			err = actionList(model.StateOK)(m.Value)
		case "alarm_actions":
			err = actionList(model.StateAlarm)(m.Value)
		case "undetermined_actions":
			err = actionList(model.StateUndetermined)(m.Value)
		}
		if err != nil {
			err.path, err.errorType = append([]any{m.Key}, err.path...), "dictionary value"
			if len(err.path) > 1 {
				err.errorType = ""
			}
			return nil, unprocessable(err.Error())
		}
	}
	str := func(k string) *string {
		if v, ok := obj.Get(k); ok {
			s := v.(string)
			return &s
		}
		return nil
	}
	list := func(k string) *[]string {
		v, ok := obj.Get(k)
		if !ok {
			return nil
		}
		out := []string{}
		for _, x := range v.([]any) {
			out = append(out, x.(string))
		}
		return &out
	}
	in.name, in.expression, in.description = str("name"), str("expression"), str("description")
	if v, ok := obj.Get("severity"); ok {
		s, isStr := v.(string)
		up := pyUpper(s)
		if !isStr || !slices.Contains(severities, up) {
			return nil, unprocessable("Invalid severity")
		}
		in.severity = &up
	}
	in.matchBy = list("match_by")
	for key, state := range actionKeys {
		if l := list(key); l != nil {
			in.actions[state] = l
		}
	}
	if v, ok := obj.Get("actions_enabled"); ok {
		b := pyTruthy(v)
		in.actionsEnabled = &b
	}
	return in, nil
}

// pyTruthy is Python's bool(v).
func pyTruthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case *big.Int:
		return x.Sign() != 0
	case float64:
		return x != 0
	case []any:
		return len(x) > 0
	case pyjson.Object:
		return len(x) > 0
	}
	return true
}

// parseExpression turns a parse failure into 422 "Invalid alarm expression".
// Before Newton the grammar had no "deterministic" and no last().
func (a *API) parseExpression(s string) (*expr.Expression, error) {
	old := !a.profile.DeterministicAlarms()
	e, err := expr.ParseGrammar(s, expr.Grammar{NoDeterministic: old, NoLast: !a.profile.LastFunction()})
	if err != nil {
		var pe *expr.ParseError
		if errors.As(err, &pe) {
			return nil, &apiError{http.StatusUnprocessableEntity, titleInvalidExpr, pe.Error()}
		}
		return nil, &apiError{http.StatusUnprocessableEntity, titleInvalidExpr, err.Error()}
	}
	return e, nil
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
