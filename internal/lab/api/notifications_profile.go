package api

import (
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/pyjson"
)

// Notification methods before Newton (the Python API at mitaka-eol) and in
// the Java API (queens-eol). The latest Python API is notifications.go.

// mitakaNotificationSchema is notifications_request_body_schema at
// mitaka-eol: name, type (one of six literals) and address, no extra keys.
func mitakaNotificationSchema(types []string) []field {
	var literals []string
	for _, t := range types {
		literals = append(literals, t, strings.ToLower(t))
	}
	return []field{
		{"name", true, strOf(250)},
		{"type", true, func(v any) *vInvalid {
			if s, ok := v.(string); ok && slices.Contains(literals, s) {
				return nil
			}
			// Any("EMAIL", "email", ...): each literal refuses with
			// voluptuous's scalar message.
			return &vInvalid{msg: "not a valid value"}
		}},
		{"address", true, strOf(512)},
	}
}

// validateMethodMitaka is Mitaka's validate(): the schema (400 "Bad
// Request" with voluptuous's text: a "period" is an extra key), then the
// EMAIL and WEBHOOK address checks on the upper-cased type.
func (a *API) validateMethodMitaka(body any) (model.NotificationMethod, error) {
	var m model.NotificationMethod
	if err := validateDict(body, mitakaNotificationSchema(a.profile.FixedNotificationTypes()), false); err != nil {
		return m, badNotification("%s", err.Error())
	}
	obj := body.(pyjson.Object)
	get := func(k string) string { v, _ := obj.Get(k); return v.(string) }
	m.Name, m.Type, m.Address = get("name"), pyUpper(get("type")), get("address")
	if err := validateAddress(m.Type, m.Address); err != nil {
		return m, err
	}
	return m, nil
}

// methodVerb is which write a notification-method body is for: POST, PUT
// or PATCH (the Python API requires all fields on PUT and PATCH; the Java
// API binds a different command class to each, whose name its
// deserialisation errors print).
type methodVerb int

const (
	verbCreate methodVerb = iota // CreateNotificationMethodCommand (POST)
	verbUpdate                   // UpdateNotificationMethodCommand (PUT)
	verbPatch                    // PatchNotificationMethodCommand (PATCH)
)

func (c methodVerb) class() string {
	return "monasca.api.app.command." + [...]string{"Create", "Update", "Patch"}[c] + "NotificationMethodCommand"
}

// javaUnprocessable is JsonMappingExceptionManager's 422: "Unable to
// process the provided JSON" with the first line of Jackson's message as
// the details.
type javaUnprocessable struct{ details string }

func (e *javaUnprocessable) Error() string {
	return "Unable to process the provided JSON: " + e.details
}

// javaError is an answer the Java API builds with a message of its own.
type javaError struct {
	code int
	msg  string
}

func (e *javaError) Error() string { return e.msg }

func javaUnprocessableEntity(format string, args ...any) error {
	return &javaError{http.StatusUnprocessableEntity, fmt.Sprintf(format, args...)}
}

// javaText is Jackson's StringDeserializer on one JSON value: a string as
// is, any other scalar as its text, null as null (ok false); an array or
// object cannot become a String (JsonMappingException).
func javaText(v any) (s string, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return "", false, nil
	case string:
		return x, true, nil
	case bool:
		return strconv.FormatBool(x), true, nil
	case *big.Int:
		return x.String(), true, nil
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), true, nil
	case pyjson.Object:
		return "", false, &javaUnprocessable{"Can not deserialize instance of java.lang.String out of START_OBJECT token"}
	}
	return "", false, &javaUnprocessable{"Can not deserialize instance of java.lang.String out of START_ARRAY token"}
}

// javaMethodFields is the notification method command after Jackson: each
// field's text and whether it was given (and not null).
type javaMethodFields struct {
	name, typ, address, period        string
	hasName, hasType, hasAddr, hasPer bool
	periodN                           int
}

// parseJavaMethod is Jackson binding the body to the command class: an
// unknown property or a value that cannot be a String is a 422 "Unable to
// process the provided JSON"; setPeriod parses the period as it is set
// (Validation.parseAndValidateNumber: 422 "period (x) must be valid
// number"); setType upper-cases the type.
//
// Before Newton the command has no period (an unknown field) and the type
// is the NotificationMethodType enum, whose @JsonCreator is
// valueOf(text.toUpperCase()): another name fails inside Jackson.
func (a *API) parseJavaMethod(body any, cmd methodVerb) (javaMethodFields, error) {
	var f javaMethodFields
	if cmd == verbUpdate && !a.profile.NotificationPeriods() {
		cmd = verbCreate // before Newton PUT binds the create command
	}
	obj, ok := body.(pyjson.Object)
	if !ok {
		if _, list := body.([]any); list {
			return f, &javaUnprocessable{"Can not deserialize instance of " + cmd.class() + " out of START_ARRAY token"}
		}
		return f, &javaUnprocessable{"Can not instantiate value of type [simple type, class " + cmd.class() + "] from a JSON scalar"}
	}
	for _, m := range obj {
		s, given, err := javaText(m.Value)
		if err != nil {
			return f, err
		}
		switch m.Key {
		case "name":
			f.name, f.hasName = s, given
		case "type":
			f.typ, f.hasType = strings.ToUpper(s), given
			if fixed := a.profile.FixedNotificationTypes(); given && fixed != nil && !slices.Contains(fixed, f.typ) {
				return f, &javaUnprocessable{"No enum constant monasca.api.domain.model.notificationmethod.NotificationMethodType." + f.typ}
			}
		case "address":
			f.address, f.hasAddr = s, given
		case "period":
			if !a.profile.NotificationPeriods() {
				return f, &javaUnprocessable{fmt.Sprintf("Unrecognized field %q (class %s), not marked as ignorable", m.Key, cmd.class())}
			}
			f.period, f.hasPer = s, given
			if given {
				n, err := strconv.ParseInt(s, 10, 32)
				if err != nil {
					return f, javaUnprocessableEntity("period (%s) must be valid number", s)
				}
				f.periodN = int(n)
			}
		default:
			return f, &javaUnprocessable{fmt.Sprintf("Unrecognized field %q (class %s), not marked as ignorable", m.Key, cmd.class())}
		}
	}
	return f, nil
}

// javaConstraints is the @Valid check of the command's annotations
// (Hibernate Validator 5 messages, Dropwizard 0.7's "%s %s (was %s)" per
// violation, sorted, as a list): name @NotEmpty @Size(1, 250), type
// @NotNull, address @NotEmpty @Size(1, 512), and on PUT period @NotNull.
// PATCH has only the @Size rules.
func javaConstraints(f javaMethodFields, cmd methodVerb, requirePeriod bool) error {
	var errs []string
	was := func(s string, given bool) string {
		if !given {
			return "null"
		}
		return s
	}
	text := func(field, s string, given bool, max int) {
		n := len([]rune(s)) // UTF-16 units in Java; the same below U+10000
		if cmd != verbPatch && (!given || n == 0) {
			errs = append(errs, fmt.Sprintf("%s may not be empty (was %s)", field, was(s, given)))
		}
		if given && (n < 1 || n > max) {
			errs = append(errs, fmt.Sprintf("%s size must be between 1 and %d (was %s)", field, max, s))
		}
	}
	text("name", f.name, f.hasName, 250)
	text("address", f.address, f.hasAddr, 512)
	if cmd != verbPatch && !f.hasType {
		errs = append(errs, "type may not be null (was null)")
	}
	if cmd == verbUpdate && !f.hasPer && requirePeriod {
		errs = append(errs, "period may not be null (was null)")
	}
	if len(errs) == 0 {
		return nil
	}
	sort.Strings(errs)
	return &javaError{http.StatusUnprocessableEntity, "[" + strings.Join(errs, ", ") + "]"}
}

// javaValidateMethod is NotificationMethodValidation.validate: EMAIL and
// WEBHOOK addresses, a WEBHOOK's period among the valid ones, and no
// period on other types (all 422).
func (a *API) javaValidateMethod(typ, address string, period int) error {
	switch typ {
	case "EMAIL":
		if !pyEmailMatch(address) {
			return javaUnprocessableEntity("Address %s is not of correct format", address)
		}
	case "WEBHOOK":
		if validateWebhookURL(address) != nil {
			return javaUnprocessableEntity("Address %s is not of correct format", address)
		}
		if period != 0 && !slices.Contains(a.validPeriods, period) {
			return javaUnprocessableEntity("%d is not a valid period", period)
		}
	}
	if period != 0 && typ != "WEBHOOK" {
		return javaUnprocessableEntity("Period can not be non zero for %s", typ)
	}
	return nil
}

// validateMethodJava runs the Java resource's steps for POST and PUT.
func (a *API) validateMethodJava(body any, cmd methodVerb) (model.NotificationMethod, error) {
	var m model.NotificationMethod
	f, err := a.parseJavaMethod(body, cmd)
	if err != nil {
		return m, err
	}
	if err := javaConstraints(f, cmd, a.profile.NotificationPeriods()); err != nil {
		return m, err
	}
	if err := a.javaValidateMethod(f.typ, f.address, f.periodN); err != nil {
		return m, err
	}
	return model.NotificationMethod{Name: f.name, Type: f.typ, Address: f.address, Period: f.periodN}, nil
}

// patchMethodJava is the Java resource's patch: the command's fields over
// the stored method, then NotificationMethodValidation.
func (a *API) patchMethodJava(body any, old model.NotificationMethod) (model.NotificationMethod, error) {
	f, err := a.parseJavaMethod(body, verbPatch)
	if err != nil {
		return old, err
	}
	if err := javaConstraints(f, verbPatch, true); err != nil {
		return old, err
	}
	m := old
	if f.hasName {
		m.Name = f.name
	}
	if f.hasType {
		m.Type = f.typ
	}
	if f.hasAddr {
		m.Address = f.address
	}
	if f.hasPer {
		m.Period = f.periodN
	}
	if err := a.javaValidateMethod(m.Type, m.Address, m.Period); err != nil {
		return old, err
	}
	return m, nil
}

// javaCheckMethodNameAndType is the MySQL repository's create/update: the
// name (409) then the type (an EntityNotFoundException: 404).
func (a *API) javaCheckMethodNameAndType(tenantID string, m model.NotificationMethod, exceptID string) error {
	if err := a.store.CheckMethodName(tenantID, m.Name, exceptID); err != nil {
		return &javaError{http.StatusConflict, fmt.Sprintf("Notification method %s \"%s\" already exists.", tenantID, m.Name)}
	}
	if !slices.Contains(a.store.NotificationTypes(), m.Type) {
		return &javaError{http.StatusNotFound, fmt.Sprintf("Not a valid notification method type %s ", m.Type)}
	}
	return nil
}
