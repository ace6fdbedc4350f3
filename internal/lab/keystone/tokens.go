package keystone

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

type domainRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type userRef struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Password string     `json:"password"`
	Domain   *domainRef `json:"domain"`
}

type authRequest struct {
	Auth *struct {
		Identity *struct {
			Methods  []string `json:"methods"`
			Password *struct {
				User *userRef `json:"user"`
			} `json:"password"`
			Token *struct {
				ID string `json:"id"`
			} `json:"token"`
			ApplicationCredential *appCredAuth `json:"application_credential"`
		} `json:"identity"`
		Scope json.RawMessage `json:"scope"`
	} `json:"auth"`
}

type scopeRequest struct {
	Project *struct {
		ID     string     `json:"id"`
		Name   string     `json:"name"`
		Domain *domainRef `json:"domain"`
	} `json:"project"`
	Domain *domainRef     `json:"domain"`
	System map[string]any `json:"system"`
}

// authError carries the status and Keystone message of a failed auth.
type authError struct {
	code int
	msg  string
}

func unauthorized() *authError { return &authError{http.StatusUnauthorized, msgAuthRequired} }
func badRequest(msg string) *authError {
	return &authError{http.StatusBadRequest, msg}
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	var req authRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "The request body is not valid JSON.")
		return
	}
	s.mu.Lock()
	id, t, aerr := s.authenticateLocked(&req)
	var body map[string]any
	if aerr == nil {
		body = s.tokenBodyLocked(r, t, true)
	}
	s.mu.Unlock()
	if aerr != nil {
		writeError(w, aerr.code, aerr.msg)
		return
	}
	w.Header().Set("X-Subject-Token", id)
	writeJSON(w, http.StatusCreated, body)
}

func (s *Server) authenticateLocked(req *authRequest) (string, *token, *authError) {
	if req.Auth == nil || req.Auth.Identity == nil || len(req.Auth.Identity.Methods) == 0 {
		return "", nil, badRequest("Expecting to find identity in auth.")
	}
	ident := req.Auth.Identity
	var scope scopeRequest
	scoped := len(req.Auth.Scope) > 0 && string(req.Auth.Scope) != "null" && string(req.Auth.Scope) != `"unscoped"`
	if scoped {
		if err := json.Unmarshal(req.Auth.Scope, &scope); err != nil {
			return "", nil, badRequest("Invalid scope.")
		}
		if scope.Domain != nil || scope.System != nil {
			// The lab has no domain or system roles, so such scopes can
			// never be authorized.
			return "", nil, unauthorized()
		}
	}

	var userID string
	var fixedProject string // app creds and the token method decide the scope
	var fixedRoles []string
	var appCredID string
	var expiresAt time.Time
	switch method := ident.Methods[0]; method {
	case "password":
		if ident.Password == nil || ident.Password.User == nil {
			return "", nil, badRequest("Expecting to find user in password.")
		}
		u, aerr := s.findUserLocked(ident.Password.User)
		if aerr != nil {
			return "", nil, aerr
		}
		if u.Password != ident.Password.User.Password {
			return "", nil, unauthorized()
		}
		userID = u.ID
	case "token":
		if ident.Token == nil || ident.Token.ID == "" {
			return "", nil, badRequest("Expecting to find id in token.")
		}
		old, ok := s.liveTokenLocked(ident.Token.ID)
		if !ok {
			return "", nil, &authError{http.StatusNotFound, "Could not find token."}
		}
		userID, expiresAt = old.userID, old.expiresAt
		if old.appCredID != "" {
			// A token from an application credential cannot be rescoped.
			appCredID, fixedProject, fixedRoles = old.appCredID, old.projectID, old.roles
		}
	case "application_credential":
		ac, aerr := s.findAppCredLocked(ident.ApplicationCredential)
		if aerr != nil {
			return "", nil, aerr
		}
		userID, fixedProject, fixedRoles, appCredID = ac.UserID, ac.ProjectID, ac.Roles, ac.ID
		if ac.ExpiresAt != nil {
			expiresAt = *ac.ExpiresAt
		}
	default:
		return "", nil, unauthorized()
	}

	projectID := ""
	if scoped && scope.Project != nil {
		p, aerr := s.findProjectLocked(scope.Project.ID, scope.Project.Name, scope.Project.Domain)
		if aerr != nil {
			return "", nil, aerr
		}
		projectID = p.ID
	}
	if fixedProject != "" {
		if projectID != "" && projectID != fixedProject {
			return "", nil, unauthorized()
		}
		projectID = fixedProject
	}
	var roles []string
	switch {
	case fixedRoles != nil:
		roles = slices.Clone(fixedRoles)
	case projectID != "":
		roles = slices.Clone(s.grants[[2]string{userID, projectID}])
		if len(roles) == 0 {
			return "", nil, unauthorized()
		}
	}
	methods := []string{ident.Methods[0]}
	if ident.Methods[0] == "token" && appCredID != "" {
		methods = []string{"application_credential", "token"}
	}
	id, t := s.issueLocked(userID, projectID, roles, methods, appCredID, expiresAt)
	return id, t, nil
}

func (s *Server) findUserLocked(ref *userRef) (User, *authError) {
	if ref.ID != "" {
		u, ok := s.users[ref.ID]
		if !ok {
			return User{}, unauthorized()
		}
		return u, nil
	}
	if ref.Name == "" {
		return User{}, badRequest("Expecting to find id or name in user.")
	}
	if ref.Domain == nil || (ref.Domain.ID == "" && ref.Domain.Name == "") {
		return User{}, badRequest("Expecting to find domain in user.")
	}
	if !isDefaultDomain(ref.Domain) {
		return User{}, unauthorized()
	}
	for _, u := range s.users {
		if u.Name == ref.Name {
			return u, nil
		}
	}
	return User{}, unauthorized()
}

func (s *Server) findProjectLocked(id, name string, domain *domainRef) (Project, *authError) {
	if id != "" {
		if p, ok := s.projects[id]; ok {
			return p, nil
		}
		return Project{}, unauthorized()
	}
	if name == "" {
		return Project{}, badRequest("Expecting to find id or name in project.")
	}
	if domain == nil || (domain.ID == "" && domain.Name == "") {
		return Project{}, badRequest("Expecting to find domain in project.")
	}
	if !isDefaultDomain(domain) {
		return Project{}, unauthorized()
	}
	for _, p := range s.projects {
		if p.Name == name {
			return p, nil
		}
	}
	return Project{}, unauthorized()
}

func isDefaultDomain(d *domainRef) bool {
	return (d.ID == "" || d.ID == DefaultDomainID) && (d.Name == "" || d.Name == DefaultDomainName)
}

// tokenBodyLocked renders Keystone's token document.
func (s *Server) tokenBodyLocked(r *http.Request, t *token, withCatalog bool) map[string]any {
	domain := map[string]string{"id": DefaultDomainID, "name": DefaultDomainName}
	u := s.users[t.userID]
	tok := map[string]any{
		"methods":    t.methods,
		"user":       map[string]any{"id": u.ID, "name": u.Name, "domain": domain, "password_expires_at": nil},
		"audit_ids":  []string{t.auditID},
		"expires_at": fmtTime(t.expiresAt),
		"issued_at":  fmtTime(t.issuedAt),
	}
	if t.projectID != "" {
		p := s.projects[t.projectID]
		tok["project"] = map[string]any{"id": p.ID, "name": p.Name, "domain": domain}
		tok["is_domain"] = false
		roles := make([]map[string]string, 0, len(t.roles))
		for _, name := range t.roles {
			roles = append(roles, map[string]string{"id": s.roles[name].ID, "name": name})
		}
		tok["roles"] = roles
		if withCatalog {
			tok["catalog"] = s.catalogDoc(r)
		}
	}
	if t.appCredID != "" {
		ac := s.appCreds[t.appCredID]
		tok["application_credential"] = map[string]any{"id": ac.ID, "name": ac.Name, "restricted": true}
	}
	return map[string]any{"token": tok}
}

func (s *Server) catalogDoc(r *http.Request) []any {
	out := []any{}
	for _, svc := range s.catalog(r) {
		eps := []any{}
		for _, iface := range []string{"public", "internal", "admin"} {
			url, ok := svc.Endpoints[iface]
			if !ok {
				continue
			}
			eps = append(eps, map[string]string{
				"id": svc.ID + "-" + iface, "interface": iface, "region": s.region, "region_id": s.region, "url": url,
			})
		}
		out = append(out, map[string]any{"id": svc.ID, "type": svc.Type, "name": svc.Name, "endpoints": eps})
	}
	return out
}

// validateToken is GET/HEAD /v3/auth/tokens: the caller's X-Auth-Token must
// be live and belong to the subject's user or carry admin or service; the
// X-Subject-Token is then rendered, or 404 when unknown or expired.
func (s *Server) validateToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	subjectID, subject, refused := s.subjectTokenLocked(r, "identity:validate_token", "admin", "service")
	if refused != nil {
		s.mu.Unlock()
		writeError(w, refused.code, refused.message)
		return
	}
	body := s.tokenBodyLocked(r, subject, r.URL.Query().Get("nocatalog") == "")
	s.mu.Unlock()
	w.Header().Set("X-Subject-Token", subjectID)
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// revokeToken is DELETE /v3/auth/tokens (the caller revokes X-Subject-Token).
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	subjectID, _, refused := s.subjectTokenLocked(r, "identity:revoke_token", "admin")
	if refused != nil {
		writeError(w, refused.code, refused.message)
		return
	}
	delete(s.tokens, subjectID)
	w.WriteHeader(http.StatusNoContent)
}

// refusal is an error answer decided under the lock and written after it.
type refusal struct {
	code    int
	message string
}

// subjectTokenLocked is what validating and revoking a token check: the
// caller's X-Auth-Token is live (else 401), the X-Subject-Token is live
// (else 404), and the caller is the subject's user or holds one of roles
// (else 403 naming policy).
func (s *Server) subjectTokenLocked(r *http.Request, policy string, roles ...string) (string, *token, *refusal) {
	caller, ok := s.liveTokenLocked(r.Header.Get("X-Auth-Token"))
	if !ok {
		return "", nil, &refusal{http.StatusUnauthorized, msgAuthRequired}
	}
	subjectID := r.Header.Get("X-Subject-Token")
	subject, ok := s.liveTokenLocked(subjectID)
	if !ok {
		return "", nil, &refusal{http.StatusNotFound, "Could not find token."}
	}
	if caller.userID != subject.userID && !slices.ContainsFunc(roles, func(role string) bool { return slices.Contains(caller.roles, role) }) {
		return "", nil, &refusal{http.StatusForbidden, "You are not authorized to perform the requested action: " + policy + "."}
	}
	return subjectID, subject, nil
}
