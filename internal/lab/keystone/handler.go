package keystone

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// keystoneTime is Keystone's timestamp format (microseconds, Z).
const keystoneTime = "2006-01-02T15:04:05.000000Z"

// Handler serves Keystone relative to its root: GET / (discovery), GET /v3,
// and /v3/auth/tokens, /v3/users/{id}/application_credentials. Mount it with
// http.StripPrefix. Trailing slashes are ignored.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.versions)
	mux.HandleFunc("GET /v3", s.version)
	mux.HandleFunc("POST /v3/auth/tokens", s.createToken)
	mux.HandleFunc("GET /v3/auth/tokens", s.validateToken)
	mux.HandleFunc("HEAD /v3/auth/tokens", s.validateToken)
	mux.HandleFunc("DELETE /v3/auth/tokens", s.revokeToken)
	mux.HandleFunc("POST /v3/users/{user}/application_credentials", s.createAppCred)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "The resource could not be found.")
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
			r2 := r.Clone(r.Context())
			r2.URL.Path = strings.TrimRight(p, "/")
			if r2.URL.Path == "" {
				r2.URL.Path = "/"
			}
			r2.URL.RawPath = ""
			r = r2
		}
		mux.ServeHTTP(w, r)
	})
}

// baseURL is the URL of the Keystone root as the client addressed it:
// scheme, host and whatever prefix the handler is mounted under.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	full := r.URL.Path
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
		full = u.Path
	}
	// What the mount stripped is the prefix to keep.
	prefix := strings.TrimSuffix(strings.TrimRight(full, "/"), strings.TrimRight(r.URL.Path, "/"))
	return scheme + "://" + r.Host + prefix
}

func (s *Server) versions(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusMultipleChoices, map[string]any{
		"versions": map[string]any{"values": []any{s.versionDoc(baseURL(r) + "/v3/")}},
	})
}

func (s *Server) version(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"version": s.versionDoc(baseURL(r) + "/v3/")})
}

func (s *Server) versionDoc(self string) map[string]any {
	return map[string]any{
		"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
		"links": []any{map[string]string{"rel": "self", "href": self}},
		"media-types": []any{map[string]string{
			"base": "application/json", "type": "application/vnd.openstack.identity-v3+json",
		}},
	}
}

var errorTitles = map[int]string{
	http.StatusBadRequest:   "Bad Request",
	http.StatusUnauthorized: "Unauthorized",
	http.StatusForbidden:    "Forbidden",
	http.StatusNotFound:     "Not Found",
	http.StatusConflict:     "Conflict",
}

// writeError writes Keystone's error body {"error":{"code","message","title"}}.
func writeError(w http.ResponseWriter, code int, message string) {
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Keystone uri="`+"/v3"+`"`)
	}
	writeJSON(w, code, map[string]any{"error": map[string]any{
		"code": code, "message": message, "title": errorTitles[code],
	}})
}

const msgAuthRequired = "The request you have made requires authentication."

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Vary", "X-Auth-Token")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func fmtTime(t time.Time) string { return t.UTC().Format(keystoneTime) }
