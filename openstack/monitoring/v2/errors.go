package monitoring

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
)

// ErrorBody extracts the {"title","description"} body Monasca (falcon) sends
// with every error status from a gophercloud.ErrUnexpectedResponseCode found
// in err's chain. ok is false when err carries no such response or the body
// is not Monasca's shape.
//
// keystonemiddleware's own rejections are shaped
// {"error":{"code":401,"title":"Unauthorized","message":…}}; they are read too,
// so a 401 for a bad token and a 401 for a missing role can be told apart.
func ErrorBody(err error) (title, description string, ok bool) {
	e, found := unexpectedResponse(err)
	if !found || len(e.Body) == 0 {
		return "", "", false
	}
	var b struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		Error       *struct {
			Title   string `json:"title"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(e.Body, &b) != nil {
		return "", "", false
	}
	if b.Title != "" || b.Description != "" {
		return b.Title, b.Description, true
	}
	if b.Error != nil && (b.Error.Title != "" || b.Error.Message != "") {
		return b.Error.Title, b.Error.Message, true
	}
	return "", "", false
}

// IsForbiddenRole reports whether err is Monasca's answer to a valid token
// that lacks an authorized role (monasca-user): status 401 — not 403 — with
// the title "Forbidden" (reference §1, helpers.validate_authorization).
// A 401 for a bad or expired token has the title "Unauthorized" instead.
func IsForbiddenRole(err error) bool {
	if StatusCode(err) != http.StatusUnauthorized {
		return false
	}
	title, _, ok := ErrorBody(err)
	return ok && strings.EqualFold(strings.TrimSpace(title), "Forbidden")
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
// again after Monasca's 401 Forbidden: the token is valid, only its roles are
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
