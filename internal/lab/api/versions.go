package api

import "net/http"

// versionUpdated is what monasca_api/v2/reference/versions.py returns (the
// spec's example date differs; the code wins, reference §10).
const versionUpdated = "2013-03-06T00:00:00.000Z"

func (a *API) listVersions(q *request, _ []string) {
	base := q.baseURI()
	writeJSON(q.w, http.StatusOK, map[string]any{
		"links": links(base + "/"),
		"elements": []any{map[string]any{
			"id": "v2.0", "links": links(base + "/v2.0"), "status": "CURRENT", "updated": versionUpdated,
		}},
	})
}

func (a *API) getVersion(q *request, _ []string) {
	writeJSON(q.w, http.StatusOK, map[string]any{
		"id": "v2.0", "links": links(q.baseURI()), "status": "CURRENT", "updated": versionUpdated,
	})
}

func (a *API) unknownVersion(q *request, version string) {
	writeError(q.w, http.StatusUnprocessableEntity, "Invalid version", "No versions found matching "+version)
}

// healthcheck mirrors monasca_api/healthchecks.py: every check is healthy
// in the lab. GET 200 with the per-component messages, HEAD 204. The exact
// keys are UNVERIFIED (not in the reference).
func (a *API) healthcheck(q *request, _ []string) {
	q.w.Header().Set("Cache-Control", "no-store, no-cache, must-revalidate")
	if q.r.Method == http.MethodHead {
		q.w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(q.w, http.StatusOK, map[string]string{"kafka": "OK", "alarms_database": "OK", "metrics_database": "OK"})
}
