package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/monhook/monhook/internal/lab/store"
)

// Titles the Python API uses.
const (
	titleBadRequestLower = "Bad request" // helpers.from_json, validate_json_content_type
	titleBadRequest      = "Bad Request" // notification validation
	titleUnprocessable   = "Unprocessable Entity"
	titleInvalidExpr     = "Invalid alarm expression"
)

// apiError is an HTTP error with falcon's JSON body.
type apiError struct {
	code        int
	title, desc string
}

func (e *apiError) Error() string { return e.title + ": " + e.desc }

func unprocessable(desc string) *apiError {
	return &apiError{http.StatusUnprocessableEntity, titleUnprocessable, desc}
}

// writeError writes falcon's error body. falcon omits "description" when
// there is none, as for a bare HTTPNotFound.
func writeError(w http.ResponseWriter, code int, title, desc string) {
	if _, java := w.(*javaWriter); java {
		// The Java API's message is the one text; falcon's title is only
		// a heading where there is a description.
		msg := desc
		if msg == "" {
			msg = title
		}
		writeJavaFault(w, code, msg, "")
		return
	}
	body := map[string]string{"title": title}
	if desc != "" {
		body["description"] = desc
	}
	writeJSON(w, code, body)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // Python's json.dumps leaves <, > and & alone
	_ = enc.Encode(v)
}

// writeAuthRequired is keystonemiddleware's answer to a missing or invalid
// token: 401 with WWW-Authenticate: Keystone uri="<www_authenticate_uri>"
// (auth_token's _reject_auth_headers; the URI is the deployment's Keystone,
// as DevStack configures it, without a version).
func (a *API) writeAuthRequired(w http.ResponseWriter) {
	if a.profile.Java() {
		writeJavaFault(w, http.StatusUnauthorized, javaAuthFailed, "")
		return
	}
	uri := ""
	if a.authURI != nil {
		uri = a.authURI()
	}
	if uri == "" {
		uri = "unknown"
	}
	w.Header().Set("WWW-Authenticate", `Keystone uri="`+uri+`"`)
	writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{
		"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication.",
	}})
}

// fail maps an error to Monasca's response (resource_try_catch_block).
func (q *request) fail(err error) {
	var ae *apiError
	var je *javaError
	var ju *javaUnprocessable
	var jd *javaDetailed
	var ce *store.ConflictError
	var ie *store.InvalidUpdateError
	switch {
	case errors.As(err, &je):
		writeJavaFault(q.w, je.code, je.msg, "")
	case errors.As(err, &jd):
		writeJavaFault(q.w, jd.code, jd.message, jd.details)
	case errors.As(err, &ju):
		writeJavaFault(q.w, http.StatusUnprocessableEntity, "Unable to process the provided JSON", ju.details)
	case errors.As(err, &ae):
		writeError(q.w, ae.code, ae.title, ae.desc)
	case errors.Is(err, store.ErrNotFound) && q.java():
		writeJavaFault(q.w, http.StatusNotFound, javaNotFound(q.path), "")
	case errors.Is(err, store.ErrNotFound):
		// A bare falcon.HTTPNotFound: title only (UNVERIFIED, reference §2).
		writeError(q.w, http.StatusNotFound, "404 Not Found", "")
	case errors.As(err, &ce):
		writeError(q.w, http.StatusConflict, "AlreadyExistsException", ce.Msg)
	case errors.As(err, &ie):
		writeError(q.w, http.StatusUnprocessableEntity, "InvalidUpdateException", ie.Msg)
	default:
		writeError(q.w, http.StatusInternalServerError, "Service unavailable", err.Error())
	}
}

// jsonContentType is helpers.validate_json_content_type: the header must be
// exactly application/json. falcon's req.content_type is the raw header, so
// parameters such as "; charset=utf-8" are refused too.
func (q *request) jsonContentType() bool {
	if q.java() {
		// Jersey's @Consumes(application/json) matches the media type and
		// ignores parameters; a mismatch is its bare 415.
		mt, _, _ := strings.Cut(q.r.Header.Get("Content-Type"), ";")
		if !strings.EqualFold(strings.TrimSpace(mt), "application/json") {
			q.w.WriteHeader(http.StatusUnsupportedMediaType)
			return false
		}
		return true
	}
	if q.r.Header.Get("Content-Type") != "application/json" {
		writeError(q.w, http.StatusBadRequest, titleBadRequestLower, "Bad content type. Must be application/json")
		return false
	}
	return true
}
