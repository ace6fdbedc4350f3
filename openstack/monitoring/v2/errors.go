package monitoring

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
)

// API flavors: the two implementations of the Monasca v2.0 API, told apart
// by the shape of their error bodies.
const (
	// FlavorPython is monasca-api's Python (falcon) API:
	// {"title": …, "description": …}.
	FlavorPython = "python"
	// FlavorJava is monasca-api's java/ (Dropwizard) API:
	// {"<fault>": {"code": N, "message": …, "details": …, "internal_code": …}}
	// (resource/exception/Exceptions.java).
	FlavorJava = "java"
)

// javaFaults are the fault names of the Java API's Exceptions.FaultType,
// the only key of its error bodies.
var javaFaults = map[string]bool{
	"bad_request": true, "unauthorized": true, "not_found": true, "conflict": true,
	"unprocessable_entity": true, "forbidden": true, "server_error": true,
}

// javaRoleRefusal is the message of the Java API's PostAuthenticationFilter
// for a valid token without an authorized role; a bad or expired token is
// "Failed to authenticate request" instead.
const javaRoleRefusal = "Tenant is missing a required role"

// Answer is an error body of a Monasca API or of the keystonemiddleware in
// front of it, in whichever shape it came. This is the one place the shapes
// are read.
type Answer struct {
	// Flavor is FlavorPython or FlavorJava for the API's own bodies, ""
	// for keystonemiddleware's {"error": {…}}.
	Flavor string
	// Title is falcon's or keystonemiddleware's title; for the Java API,
	// the HTTP status text of the fault's code ("Unprocessable Entity").
	Title string
	// Message is falcon's description, keystonemiddleware's message, or the
	// Java message followed by its details when there are any.
	Message string
	// Fault is the Java fault name (unprocessable_entity, …); "" otherwise.
	Fault string
}

// ParseAnswer reads an error body; ok is false when it is none of the
// known shapes.
func ParseAnswer(body []byte) (a Answer, ok bool) {
	var raw map[string]json.RawMessage
	if len(body) == 0 || json.Unmarshal(body, &raw) != nil {
		return Answer{}, false
	}
	if len(raw) == 1 {
		for fault, v := range raw {
			if !javaFaults[fault] {
				break
			}
			var j struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
				Details string `json:"details"`
			}
			if json.Unmarshal(v, &j) != nil {
				break
			}
			msg := j.Message
			if d := strings.TrimSpace(j.Details); d != "" && d != msg {
				msg = strings.TrimSuffix(msg, ".") + ": " + d
			}
			return Answer{Flavor: FlavorJava, Title: http.StatusText(j.Code), Message: msg, Fault: fault}, true
		}
	}
	var b struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		Error       *struct {
			Title   string `json:"title"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &b) != nil {
		return Answer{}, false
	}
	if b.Title != "" || b.Description != "" {
		return Answer{Flavor: FlavorPython, Title: b.Title, Message: b.Description}, true
	}
	if b.Error != nil && (b.Error.Title != "" || b.Error.Message != "") {
		return Answer{Title: b.Error.Title, Message: b.Error.Message}, true
	}
	return Answer{}, false
}

// AnswerOf is ParseAnswer of the unexpected response in err's chain.
func AnswerOf(err error) (Answer, bool) {
	e, found := unexpectedResponse(err)
	if !found {
		return Answer{}, false
	}
	return ParseAnswer(e.Body)
}

// ErrorBody extracts the title and description of the error body of the
// gophercloud.ErrUnexpectedResponseCode found in err's chain, in any shape
// ParseAnswer reads: falcon's {"title","description"}, the Java API's
// {"<fault>":{"code","message","details"}} (title: the status text,
// description: message and details) and keystonemiddleware's
// {"error":{"code","title","message"}}, so that a 401 for a bad token and a
// 401 for a missing role can be told apart. ok is false when err carries no
// such response or the body is none of these.
func ErrorBody(err error) (title, description string, ok bool) {
	a, ok := AnswerOf(err)
	return a.Title, a.Message, ok
}

// IsForbiddenRole reports whether err is Monasca's answer to a valid token
// that lacks an authorized role (monasca-user): status 401 — not 403 — with
// the title "Forbidden" from the Python API (reference §1,
// helpers.validate_authorization), or the message "Tenant is missing a
// required role to access this service" from the Java API
// (PostAuthenticationFilter.java). A 401 for a bad or expired token is
// titled "Unauthorized", or "Failed to authenticate request" from Java.
func IsForbiddenRole(err error) bool {
	if StatusCode(err) != http.StatusUnauthorized {
		return false
	}
	a, ok := AnswerOf(err)
	if !ok {
		return false
	}
	if a.Flavor == FlavorJava {
		return strings.HasPrefix(a.Message, javaRoleRefusal)
	}
	return strings.EqualFold(strings.TrimSpace(a.Title), "Forbidden")
}

// StatusCode returns the HTTP status of the unexpected response in err's
// chain, or 0 when there is none.
func StatusCode(err error) int {
	if e, ok := unexpectedResponse(err); ok {
		return e.Actual
	}
	return 0
}

// ErrRoleRefusal is what a session's ReauthFunc returns instead of logging in
// again after Monasca's role refusal: the token is valid, only its roles are
// refused, so a new token would be refused too. gophercloud then returns a
// *gophercloud.ErrUnableToReauthenticate whose ErrOriginal is the 401; the
// functions of this file look through it.
var ErrRoleRefusal = errors.New("not re-authenticating: Monasca refused the token's roles, not the token")

// unexpectedResponse finds the unexpected response in err's chain, also
// behind a re-authentication refused with ErrRoleRefusal.
func unexpectedResponse(err error) (gophercloud.ErrUnexpectedResponseCode, bool) {
	var e gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &e) {
		return e, true
	}
	var reauth *gophercloud.ErrUnableToReauthenticate
	if errors.As(err, &reauth) && errors.Is(reauth.ErrReauth, ErrRoleRefusal) {
		return unexpectedResponse(reauth.ErrOriginal)
	}
	return e, false
}

// RoleRefusal names a role refusal as the API sent it, for messages:
// `401 Forbidden` (Python) or `401 "Tenant is missing a required role to
// access this service"` (Java).
func RoleRefusal(err error) string {
	if a, ok := AnswerOf(err); ok && a.Flavor == FlavorJava {
		return `401 "` + a.Message + `"`
	}
	return "401 Forbidden"
}

// StatusText is the status and message of the error answer in err's chain,
// for messages: `422 Unprocessable Entity: extra keys not allowed …`.
func StatusText(err error) string {
	code := StatusCode(err)
	if code == 0 {
		return err.Error()
	}
	s := fmt.Sprint(code)
	if a, ok := AnswerOf(err); ok {
		if t := strings.TrimPrefix(a.Title, s+" "); t != "" {
			s += " " + t
		}
		if a.Message != "" {
			s += ": " + a.Message
		}
	}
	return s
}
