package api

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
)

// The Java monasca-api (monasca-api's java/ folder, Dropwizard 0.7 and
// Jersey; read at queens-eol) answers errors, authentication and paging
// differently from the Python one. The lab plays it with --api java: the
// handlers stay the same, and the points below translate.

// javaWriter marks a response of the Java API, so that writeError writes
// its fault bodies instead of falcon's.
type javaWriter struct{ http.ResponseWriter }

// Unwrap lets http.ResponseController reach the connection.
func (w *javaWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// javaFaults are Exceptions.FaultType's names (toString: the lower-case
// enum name) by status code.
var javaFaults = map[int]string{
	http.StatusInternalServerError: "server_error",
	http.StatusBadRequest:          "bad_request",
	http.StatusUnauthorized:        "unauthorized",
	http.StatusNotFound:            "not_found",
	http.StatusConflict:            "conflict",
	http.StatusUnprocessableEntity: "unprocessable_entity",
	http.StatusForbidden:           "forbidden",
}

// The two 401 messages of PostAuthenticationFilter.
const (
	javaAuthFailed  = "Failed to authenticate request"
	javaMissingRole = "Tenant is missing a required role to access this service"
	// RoleAuthorizationFilter's 400 for an agent-only user off its paths.
	javaAgentRefused = "User is missing a required role to perform this request"
)

// javaFaultBody is Exceptions.buildLoggedErrorMessage: {"<fault>":
// ErrorMessage} with ErrorMessage's fields in declaration order (Jackson),
// null message and details as "", and internal_code a random long in hex.
func javaFaultBody(code int, message, details string) string {
	fault := javaFaults[code]
	if fault == "" {
		fault = "server_error"
	}
	return `{"` + fault + `":{"code":` + strconv.Itoa(code) + `,"message":` + javaString(message) +
		`,"details":` + javaString(details) + `,"internal_code":"` + strconv.FormatUint(rand.Uint64(), 16) + `"}}`
}

// writeJavaFault writes a fault the way Exceptions.WebAppException does:
// the status, Content-Type application/json, the body.
func writeJavaFault(w http.ResponseWriter, code int, message, details string) {
	if _, known := javaFaults[code]; !known {
		// Jersey's own answers (no route: 404, no method: 405) carry no
		// entity; the lab maps only the codes the API builds bodies for.
		w.WriteHeader(code)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(javaFaultBody(code, message, details)))
}

// javaString is Jackson's string encoding: quotes, backslash and control
// characters escaped, everything else (also non-ASCII) as is.
func javaString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// javaRoles are the role lists of the Java API's middleware configuration
// (api-config.yml: defaultAuthorizedRoles, agentAuthorizedRoles; DevStack
// adds readOnlyAuthorizedRoles), compared in lower case.
var (
	javaDefaultRoles  = []string{"user", "domainuser", "domainadmin", RoleUser}
	javaAgentRoles    = []string{RoleAgent}
	javaReadOnlyRoles = []string{RoleReadOnly}
)

// javaAuthorize is PostAuthenticationFilter.isAuthorized followed by
// RoleAuthorizationFilter, run for every request before routing: a default
// role passes; an agent role passes for POST /v2.0/metrics and GET / and
// /v2.0 only (else 400); a read-only role passes for GET; anything else is
// the 401 "Tenant is missing a required role".
func (q *request) javaAuthorize() bool {
	if q.r.Method == http.MethodOptions {
		return true // CORS: the filter lets OPTIONS through
	}
	has := func(list []string) bool {
		for _, r := range q.id.Roles {
			for _, want := range list {
				if strings.EqualFold(r, want) {
					return true
				}
			}
		}
		return false
	}
	switch {
	case q.tenant == "":
		writeJavaFault(q.w, http.StatusUnauthorized, javaAuthFailed, "")
		return false
	case has(javaDefaultRoles):
		return true
	case has(javaAgentRoles):
		if (q.r.Method == http.MethodPost && q.path == "/v2.0/metrics") ||
			(q.r.Method == http.MethodGet && (q.path == "/" || q.path == "/v2.0")) {
			return true
		}
		writeJavaFault(q.w, http.StatusBadRequest, javaAgentRefused, "")
		return false
	case has(javaReadOnlyRoles) && q.r.Method == http.MethodGet:
		return true
	}
	writeJavaFault(q.w, http.StatusUnauthorized, javaMissingRole, "")
	return false
}

// javaNotFound is the EntityNotFoundException message of the resource the
// path names (the MySQL repositories' texts).
func javaNotFound(path string) string {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(segs) >= 3 && segs[0] == "v2.0" {
		switch segs[1] {
		case "notification-methods":
			return "No notification method exists for " + segs[2]
		case "alarm-definitions":
			return "No alarm definition exists for " + segs[2]
		case "alarms":
			return "No alarm exists for " + segs[2]
		}
	}
	return "Not Found"
}

// javaURLEncode is java.net.URLEncoder.encode(s, "UTF-8"): letters, digits
// and ".-*_" stay, a space is "+", every other byte is %XX (upper case).
func javaURLEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '-', c == '*', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// javaNextLink is Links.getNextLink: the absolute path, "?offset=" and the
// URL-encoded offset, then every other query parameter (as Jersey decoded
// them) re-encoded, each value of a repeated one in turn. Jersey's
// MultivaluedMap keeps the order parameters first appeared in.
func (q *request) javaNextLink(offset string) string {
	link := q.baseURI() + "?offset=" + javaURLEncode(offset)
	for _, kv := range javaQueryParams(q.r.URL.RawQuery) {
		if strings.EqualFold(kv[0], "offset") {
			continue
		}
		link += "&" + javaURLEncode(kv[0]) + "=" + javaURLEncode(kv[1])
	}
	return link
}

// javaQueryParams decodes a query string into (key, value) pairs in the
// order Jersey 1's UriInfo.getQueryParameters() iterates them: a
// MultivaluedMapImpl is a java.util.HashMap, so keys come in hash-bucket
// order (javaHashOrder), each key's values in the order given.
func javaQueryParams(raw string) [][2]string {
	var order []string
	vals := map[string][]string{}
	for piece := range strings.SplitSeq(raw, "&") {
		if piece == "" {
			continue
		}
		k, v, _ := strings.Cut(piece, "=")
		k, _ = url.QueryUnescape(k)
		v, _ = url.QueryUnescape(v)
		if _, seen := vals[k]; !seen {
			order = append(order, k)
		}
		vals[k] = append(vals[k], v)
	}
	var out [][2]string
	for _, k := range javaHashOrder(order) {
		for _, v := range vals[k] {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

// javaHashOrder is the iteration order of a java.util.HashMap (default
// capacity 16, load factor 0.75) into which keys were put in this order:
// by bucket (String.hashCode spread as HashMap.hash does, masked by the
// table size), then in insertion order within a bucket, which resizing
// keeps.
func javaHashOrder(keys []string) []string {
	size := 16
	for float64(len(keys)) > 0.75*float64(size) {
		size *= 2
	}
	bucket := func(k string) uint32 {
		h := javaStringHash(k)
		return (h ^ h>>16) & uint32(size-1)
	}
	out := slices.Clone(keys)
	slices.SortStableFunc(out, func(a, b string) int { return cmp.Compare(bucket(a), bucket(b)) })
	return out
}

// javaStringHash is String.hashCode: s[0]*31^(n-1) + ... over UTF-16 code
// units, in 32-bit arithmetic.
func javaStringHash(s string) uint32 {
	var h uint32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + uint32(u)
	}
	return h
}

// javaSelfLink is Links.getSelfLink: the request URI as received.
func (q *request) javaSelfLink() string {
	scheme := "http"
	if q.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + q.r.Host + q.r.RequestURI
}
