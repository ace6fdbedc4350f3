package keystone

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

type appCredRequest struct {
	ApplicationCredential *struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Secret      string `json:"secret"`
		ExpiresAt   string `json:"expires_at"`
		Roles       []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"roles"`
	} `json:"application_credential"`
}

// createAppCred is POST /v3/users/{user}/application_credentials. The
// caller's project-scoped token must belong to the user; the credential is
// bound to that project and to the requested roles (default: all the
// token's roles).
func (s *Server) createAppCred(w http.ResponseWriter, r *http.Request) {
	var req appCredRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.ApplicationCredential == nil {
		writeError(w, http.StatusBadRequest, "Expecting to find application_credential in request body.")
		return
	}
	in := req.ApplicationCredential
	s.mu.Lock()
	defer s.mu.Unlock()
	caller, ok := s.liveTokenLocked(r.Header.Get("X-Auth-Token"))
	if !ok {
		writeError(w, http.StatusUnauthorized, msgAuthRequired)
		return
	}
	userID := r.PathValue("user")
	if caller.userID != userID || caller.projectID == "" || caller.appCredID != "" {
		writeError(w, http.StatusForbidden, "You are not authorized to perform the requested action: identity:create_application_credential.")
		return
	}
	if in.Name == "" {
		writeError(w, http.StatusBadRequest, "Invalid input for field 'name': None is not of type 'string'")
		return
	}
	for _, ac := range s.appCreds {
		if ac.UserID == userID && ac.Name == in.Name {
			writeError(w, http.StatusConflict, "Duplicate entry found with name "+in.Name+".")
			return
		}
	}
	roles := slices.Clone(caller.roles)
	if len(in.Roles) > 0 {
		roles = nil
		for _, rr := range in.Roles {
			name := rr.Name
			for n, ro := range s.roles {
				if rr.ID != "" && ro.ID == rr.ID {
					name = n
				}
			}
			if !slices.Contains(caller.roles, name) {
				writeError(w, http.StatusForbidden, "You are not authorized to delegate role "+name+".")
				return
			}
			roles = append(roles, name)
		}
	}
	var expires *time.Time
	if in.ExpiresAt != "" {
		t, err := time.Parse(time.RFC3339Nano, in.ExpiresAt)
		if err != nil {
			writeError(w, http.StatusBadRequest, "Invalid expires_at.")
			return
		}
		expires = &t
	}
	secret := in.Secret
	if secret == "" {
		secret = randomString(48)
	}
	ac := &appCred{ID: newHexID(), Name: in.Name, Secret: secret, UserID: userID, ProjectID: caller.projectID, Roles: roles, ExpiresAt: expires}
	s.appCreds[ac.ID] = ac
	roleDocs := []map[string]any{}
	for _, n := range roles {
		roleDocs = append(roleDocs, map[string]any{"id": s.roles[n].ID, "name": n, "domain_id": nil})
	}
	var exp any
	if expires != nil {
		exp = fmtTime(*expires)
	}
	writeJSON(w, http.StatusCreated, map[string]any{"application_credential": map[string]any{
		"id": ac.ID, "name": ac.Name, "description": in.Description, "secret": secret,
		"user_id": userID, "project_id": ac.ProjectID, "roles": roleDocs, "expires_at": exp,
		"unrestricted": false, "access_rules": []any{},
		"links": map[string]string{"self": baseURL(r) + "/v3/users/" + userID + "/application_credentials/" + ac.ID},
	}})
}

// AddApplicationCredential creates an application credential directly (for
// seeding and tests) and returns its id.
func (s *Server) AddApplicationCredential(userID, projectID, name, secret string, roles ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ac := &appCred{ID: newHexID(), Name: name, Secret: secret, UserID: userID, ProjectID: projectID, Roles: roles}
	s.appCreds[ac.ID] = ac
	return ac.ID
}

type appCredAuth = struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Secret string   `json:"secret"`
	User   *userRef `json:"user"`
}

func (s *Server) findAppCredLocked(in *appCredAuth) (*appCred, *authError) {
	if in == nil {
		return nil, badRequest("Expecting to find application_credential in identity.")
	}
	var found *appCred
	switch {
	case in.ID != "":
		found = s.appCreds[in.ID]
	case in.Name != "" && in.User != nil:
		u, aerr := s.findUserLocked(in.User)
		if aerr != nil {
			return nil, aerr
		}
		for _, ac := range s.appCreds {
			if ac.UserID == u.ID && ac.Name == in.Name {
				found = ac
			}
		}
	default:
		return nil, badRequest("Expecting to find id or name and user in application_credential.")
	}
	if found == nil || found.Secret != in.Secret {
		return nil, unauthorized()
	}
	if found.ExpiresAt != nil && !s.clock.Now().Before(*found.ExpiresAt) {
		return nil, unauthorized()
	}
	if _, ok := s.users[found.UserID]; !ok {
		return nil, unauthorized()
	}
	return found, nil
}
