// Package api is the lab's Monasca v2.0 HTTP API, written from
// reference/monasca-api.md §1–§6 and §10 to behave like the Python
// monasca-api on the wire: status codes, {"title","description"} error
// bodies, roles (401 "Forbidden"), tenancy, paging and its quirks. Its
// validation is deliberately its own code; it never reuses the client's.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/monhook/monhook/internal/clock"
	"github.com/monhook/monhook/internal/lab/keystone"
	"github.com/monhook/monhook/internal/lab/profile"
	"github.com/monhook/monhook/internal/lab/store"
)

// Role names (monasca_api/conf/security.py defaults).
const (
	RoleUser     = "monasca-user"
	RoleReadOnly = "monasca-read-only-user"
	RoleAgent    = "monasca-agent"
	RoleAdmin    = "admin"
)

// Options configure the API.
type Options struct {
	Store *store.Store       // required
	Auth  keystone.Validator // required: the lab's Keystone or a Remote
	Clock clock.Clock        // nil = real
	// DelegateRoles may post or read metrics of another project through
	// ?tenant_id=. nil = [monasca-agent], DevStack's setting (the upstream
	// default is admin); the lab plays a DevStack-like deployment.
	DelegateRoles []string
	// ValidPeriods are the allowed non-zero notification periods
	// (valid_notification_periods); nil = [0, 60].
	ValidPeriods []int
	// AuthenticateURI is keystonemiddleware's www_authenticate_uri: where a
	// 401 tells the client to authenticate (WWW-Authenticate: Keystone
	// uri="…"). A func because the lab's own Keystone has its address only
	// once it listens. nil or "" = "unknown".
	AuthenticateURI func() string
	// Profile is the Monasca release and API flavor to answer as; the zero
	// value is the latest Python API.
	Profile profile.Profile
	Logger  *slog.Logger // nil = discard
}

// API serves the Monasca API relative to its root ("/", "/v2.0/...").
type API struct {
	store         *store.Store
	auth          keystone.Validator
	clock         clock.Clock
	delegateRoles []string
	validPeriods  []int
	authURI       func() string
	profile       profile.Profile
	log           *slog.Logger
}

// New returns the API handler.
func New(opts Options) *API {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	if opts.DelegateRoles == nil {
		opts.DelegateRoles = []string{RoleAgent}
	}
	if opts.ValidPeriods == nil {
		opts.ValidPeriods = []int{0, 60}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &API{store: opts.Store, auth: opts.Auth, clock: opts.Clock, delegateRoles: opts.DelegateRoles,
		validPeriods: opts.ValidPeriods, authURI: opts.AuthenticateURI, profile: opts.Profile, log: opts.Logger}
}

// request is one authenticated call.
type request struct {
	a      *API
	w      http.ResponseWriter
	r      *http.Request
	id     keystone.Identity
	tenant string
	path   string // handler-relative, without trailing slash
}

type route struct {
	method string
	fn     func(a *API, q *request, args []string)
}

func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// falcon's strip_url_path_trailing_slash: "/v2.0/alarms/" is "/v2.0/alarms".
	path := r.URL.Path
	if path == "" { // mounted root requested without its slash
		path = "/"
	}
	if len(path) > 1 {
		path = strings.TrimRight(path, "/")
		if path == "" {
			path = "/"
		}
	}
	if a.profile.Java() {
		w = &javaWriter{ResponseWriter: w}
	}
	q := &request{a: a, w: w, r: r, path: path}

	// keystonemiddleware (SkippingAuthProtocol) lets only */version and
	// */healthcheck through without a token.
	if !strings.HasSuffix(path, "/version") && !strings.HasSuffix(path, "/healthcheck") {
		if !a.authenticate(q) {
			return
		}
		if a.profile.Java() && !q.javaAuthorize() {
			return
		}
	}
	res, args, ok := a.match(path)
	if !ok && q.java() {
		// Jersey's answer to a path no resource matches: no entity.
		w.WriteHeader(http.StatusNotFound)
		return
	}
	if !ok {
		// falcon's HTTPRouteNotFound.
		writeError(w, http.StatusNotFound, "404 Not Found", "")
		return
	}
	for _, rt := range res.routes {
		if rt.method == r.Method {
			rt.fn(a, q, args)
			return
		}
	}
	if r.Method == http.MethodOptions {
		// falcon's default OPTIONS responder: 200, no body, Allow without
		// OPTIONS itself.
		w.Header().Set("Allow", strings.Join(res.methods, ", "))
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return
	}
	// falcon's HTTPMethodNotAllowed: the resource's methods, then OPTIONS.
	// Where the resource has the method but not for this route (upstream
	// calls it with a missing or an extra URI field and answers 500), the
	// lab answers 405 as well: see the package doc.
	w.Header().Set("Allow", strings.Join(append(slices.Clone(res.methods), http.MethodOptions), ", "))
	writeError(w, http.StatusMethodNotAllowed, "405 Method Not Allowed", "")
}

// authenticate validates X-Auth-Token as keystonemiddleware would and
// fills the tenant and roles. Caller-supplied X-Roles / X-Project-Id headers
// are ignored (the middleware strips them).
func (a *API) authenticate(q *request) bool {
	tok := q.r.Header.Get("X-Auth-Token")
	if tok == "" {
		a.writeAuthRequired(q.w)
		return false
	}
	id, err := a.auth.Validate(q.r.Context(), tok)
	switch {
	case errors.Is(err, keystone.ErrInvalidToken):
		a.writeAuthRequired(q.w)
		return false
	case errors.Is(err, context.Canceled):
		return false
	case err != nil:
		a.log.Warn("token validation failed", "err", err)
		// keystonemiddleware answers 503 when it cannot reach Keystone.
		writeJSON(q.w, http.StatusServiceUnavailable, map[string]any{"error": map[string]any{
			"code": 503, "title": "Service Unavailable", "message": "The Keystone service is temporarily unavailable.",
		}})
		return false
	}
	q.id, q.tenant = id, id.ProjectID
	return true
}

// authorize is helpers.validate_authorization: any of roles, else 401
// titled Forbidden with WWW-Authenticate: Token. An unscoped token has no
// roles here, so it is always refused (UNVERIFIED what Monasca does).
func (q *request) authorize(roles ...string) bool {
	if q.tenant != "" && q.id.HasRole(roles...) {
		return true
	}
	if q.java() {
		writeJavaFault(q.w, http.StatusUnauthorized, javaMissingRole, "")
		return false
	}
	q.w.Header().Set("WWW-Authenticate", "Token")
	writeError(q.w, http.StatusUnauthorized, "Forbidden", "The request does not have access to this service")
	return false
}

// java reports whether the Java API answers this request.
func (q *request) java() bool { return q.a != nil && q.a.profile.Java() }

func (q *request) canRead() bool  { return q.authorize(RoleUser, RoleReadOnly) }
func (q *request) canWrite() bool { return q.authorize(RoleUser) }

// resource is what falcon knows of a route: the handlers the lab serves
// and the methods of the upstream resource class (its on_* responders,
// sorted), which falcon's Allow headers list. monasca-api mounts one
// resource on a collection and its items (/alarms and /alarms/{alarm_id}),
// so both routes list the same methods.
type resource struct {
	routes  []route
	methods []string
}

// Upstream resources' on_* methods, sorted as falcon sorts them.
var (
	getOnly          = []string{http.MethodGet}
	getHead          = []string{http.MethodGet, http.MethodHead}
	getPost          = []string{http.MethodGet, http.MethodPost}
	allButHead       = []string{http.MethodDelete, http.MethodGet, http.MethodPatch, http.MethodPost, http.MethodPut}
	alarmMethods     = []string{http.MethodDelete, http.MethodGet, http.MethodPatch, http.MethodPut}
	notImplementedOn = []string{http.MethodDelete, http.MethodPatch, http.MethodPost, http.MethodPut}
	// Mitaka's Notifications resource: on_post, on_get, on_delete, on_put.
	mitakaMethods = []string{http.MethodDelete, http.MethodGet, http.MethodPost, http.MethodPut}
)

// notImplemented is the stub responder NotificationsTypeV2API keeps for
// every method but GET: 501 with no body and no authorization check.
func notImplemented(_ *API, q *request, _ []string) {
	q.w.WriteHeader(http.StatusNotImplemented)
}

func getRes(fn func(a *API, q *request, args []string)) resource {
	return resource{[]route{{http.MethodGet, fn}}, getOnly}
}

// match finds the resource for a handler-relative path.
func (a *API) match(path string) (resource, []string, bool) {
	if path == "/" {
		return getRes((*API).listVersions), nil, true
	}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(segs) == 1 {
		switch segs[0] {
		case "v2.0":
			return getRes((*API).getVersion), nil, true
		case "healthcheck":
			return resource{[]route{{http.MethodGet, (*API).healthcheck}, {http.MethodHead, (*API).healthcheck}}, getHead}, nil, true
		}
		return getRes(func(a *API, q *request, _ []string) { a.unknownVersion(q, segs[0]) }), nil, true
	}
	if segs[0] != "v2.0" {
		return resource{}, nil, false
	}
	rest := segs[1:]
	switch {
	case len(rest) == 1 && rest[0] == "notification-methods" && !a.profile.PatchNotificationMethods():
		// Before Newton the resource has no on_patch.
		return resource{[]route{{http.MethodGet, (*API).listMethods}, {http.MethodPost, (*API).createMethod}}, mitakaMethods}, nil, true
	case len(rest) == 1 && rest[0] == "notification-methods":
		return resource{[]route{{http.MethodGet, (*API).listMethods}, {http.MethodPost, (*API).createMethod}}, allButHead}, nil, true
	case len(rest) == 2 && rest[0] == "notification-methods" && !a.profile.PatchNotificationMethods():
		// Before Newton there is no types route: ".../types" is the item
		// route with the id "types", which no method has (404).
		return resource{[]route{{http.MethodGet, (*API).getMethod}, {http.MethodPut, (*API).putMethod},
			{http.MethodDelete, (*API).deleteMethod}}, mitakaMethods}, rest[1:], true
	case len(rest) == 2 && rest[0] == "notification-methods" && rest[1] == "types":
		routes := []route{{http.MethodGet, (*API).listMethodTypes}}
		for _, m := range notImplementedOn {
			routes = append(routes, route{m, notImplemented})
		}
		return resource{routes, allButHead}, nil, true
	case len(rest) == 2 && rest[0] == "notification-methods":
		return resource{[]route{{http.MethodGet, (*API).getMethod}, {http.MethodPut, (*API).putMethod},
			{http.MethodPatch, (*API).patchMethod}, {http.MethodDelete, (*API).deleteMethod}}, allButHead}, rest[1:], true
	case len(rest) == 1 && rest[0] == "alarm-definitions":
		noID := func(_ *API, q *request, _ []string) {
			if q.canWrite() {
				writeError(q.w, http.StatusBadRequest, "Bad Request", "Alarm definition ID not provided")
			}
		}
		return resource{[]route{{http.MethodGet, (*API).listDefinitions}, {http.MethodPost, (*API).createDefinition},
			{http.MethodPut, noID}, {http.MethodPatch, noID}, {http.MethodDelete, noID}}, allButHead}, nil, true
	case len(rest) == 2 && rest[0] == "alarm-definitions":
		return resource{[]route{{http.MethodGet, (*API).getDefinition}, {http.MethodPut, (*API).putDefinition},
			{http.MethodPatch, (*API).patchDefinition}, {http.MethodDelete, (*API).deleteDefinition}}, allButHead}, rest[1:], true
	case len(rest) == 1 && rest[0] == "alarms":
		return resource{[]route{{http.MethodGet, (*API).listAlarms}}, alarmMethods}, nil, true
	case len(rest) == 2 && rest[0] == "alarms" && rest[1] == "count":
		return getRes((*API).countAlarms), nil, true
	case len(rest) == 2 && rest[0] == "alarms" && rest[1] == "state-history":
		return getRes((*API).listAllHistory), nil, true
	case len(rest) == 2 && rest[0] == "alarms":
		return resource{[]route{{http.MethodGet, (*API).getAlarm}, {http.MethodPut, (*API).putAlarm},
			{http.MethodPatch, (*API).patchAlarm}, {http.MethodDelete, (*API).deleteAlarm}}, alarmMethods}, rest[1:], true
	case len(rest) == 3 && rest[0] == "alarms" && rest[2] == "state-history":
		return getRes((*API).listAlarmHistory), rest[1:2], true
	case len(rest) == 1 && rest[0] == "metrics":
		return resource{[]route{{http.MethodGet, (*API).listMetrics}, {http.MethodPost, (*API).postMetrics}}, getPost}, nil, true
	case len(rest) == 2 && rest[0] == "metrics" && rest[1] == "measurements":
		return getRes((*API).listMeasurements), nil, true
	case len(rest) == 2 && rest[0] == "metrics" && rest[1] == "names":
		return getRes((*API).listMetricNames), nil, true
	case len(rest) == 2 && rest[0] == "metrics" && rest[1] == "statistics":
		return getRes((*API).listStatistics), nil, true
	case len(rest) == 3 && rest[0] == "metrics" && rest[1] == "dimensions" && rest[2] == "names":
		return getRes((*API).listDimensionNames), nil, true
	case len(rest) == 4 && rest[0] == "metrics" && rest[1] == "dimensions" && rest[2] == "names" && rest[3] == "values":
		return getRes((*API).listDimensionValues), nil, true
	}
	return resource{}, nil, false
}
