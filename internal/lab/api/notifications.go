package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/monhook/monhook/internal/lab/model"
)

var methodSortFields = []string{"id", "name", "type", "address", "created_at", "updated_at"}

func methodDoc(m model.NotificationMethod, href string) map[string]any {
	return map[string]any{
		"id": m.ID, "name": m.Name, "type": m.Type, "address": m.Address, "period": m.Period,
		"links": links(href),
	}
}

func (a *API) listMethods(q *request, _ []string) {
	if !q.canRead() {
		return
	}
	lp, err := q.listParams(methodSortFields)
	if err != nil {
		q.fail(err)
		return
	}
	keys, offset, limit := lp.keys, lp.offset, lp.limit
	all := a.store.TenantMethods(q.tenant)
	sortItems(all, keys, func(m model.NotificationMethod, f string) string {
		switch f {
		case "name":
			return m.Name
		case "type":
			return m.Type
		case "address":
			return m.Address
		case "created_at":
			return m.CreatedAt.Format("2006-01-02T15:04:05.000000000")
		case "updated_at":
			return m.UpdatedAt.Format("2006-01-02T15:04:05.000000000")
		}
		return m.ID
	}, func(m model.NotificationMethod) string { return m.ID })
	rows, more := window(all, offset, limit)
	base := q.baseURI()
	elems := make([]any, 0, len(rows))
	for _, m := range rows {
		elems = append(elems, methodDoc(m, base+"/"+m.ID))
	}
	next := ""
	if more && len(rows) > 0 {
		// helpers.paginate: the next offset is the last element's id, which
		// this same endpoint then rejects as not an integer (reference §2).
		next = q.nextLink(rows[len(rows)-1].ID)
	}
	writeJSON(q.w, http.StatusOK, page(q.selfLink(), next, elems))
}

func (a *API) listMethodTypes(q *request, _ []string) {
	if !q.canRead() {
		return
	}
	elems := []any{}
	for _, t := range a.store.NotificationTypes() {
		elems = append(elems, map[string]string{"type": t})
	}
	writeJSON(q.w, http.StatusOK, page(q.selfLink(), "", elems))
}

func (a *API) getMethod(q *request, args []string) {
	if !q.canRead() {
		return
	}
	m, err := a.store.TenantMethod(q.tenant, args[0])
	if err != nil {
		q.fail(err)
		return
	}
	// Quirk: the id is not stripped from req.uri first, so the self link
	// ends in /{id}/{id} (reference §2).
	writeJSON(q.w, http.StatusOK, methodDoc(m, q.baseURI()+"/"+m.ID))
}

func (a *API) createMethod(q *request, _ []string) {
	if !q.jsonContentType() || !q.canWrite() {
		return
	}
	body, ok := q.readJSON()
	if !ok {
		return
	}
	m, err := a.validateMethod(body, false)
	if err != nil {
		q.fail(err)
		return
	}
	m.TenantID = q.tenant
	if err := a.checkMethodNameAndType(q.tenant, m, ""); err != nil {
		q.fail(err)
		return
	}
	m, err = a.store.CreateMethod(m)
	if err != nil {
		q.fail(err)
		return
	}
	writeJSON(q.w, http.StatusCreated, methodDoc(m, q.baseURI()+"/"+m.ID))
}

func (a *API) putMethod(q *request, args []string) {
	if !q.jsonContentType() || !q.canWrite() {
		return
	}
	body, ok := q.readJSON()
	if !ok {
		return
	}
	a.updateMethod(q, args[0], body)
}

func (a *API) patchMethod(q *request, args []string) {
	if !q.jsonContentType() || !q.canWrite() {
		return
	}
	body, ok := q.readJSON()
	if !ok {
		return
	}
	old, err := a.store.TenantMethod(q.tenant, args[0])
	if err != nil {
		q.fail(err)
		return
	}
	// PATCH fills absent fields from the stored row, then validates like PUT.
	if obj, isObj := body.(map[string]any); isObj {
		defaults := map[string]any{"name": old.Name, "type": old.Type, "address": old.Address, "period": json.Number(strconv.Itoa(old.Period))}
		for k, v := range defaults {
			if _, set := obj[k]; !set {
				obj[k] = v
			}
		}
	}
	a.updateMethod(q, args[0], body)
}

func (a *API) updateMethod(q *request, id string, body any) {
	m, err := a.validateMethod(body, true)
	if err != nil {
		q.fail(err)
		return
	}
	m.ID, m.TenantID = id, q.tenant
	if err := a.checkMethodNameAndType(q.tenant, m, id); err != nil {
		q.fail(err)
		return
	}
	m, err = a.store.UpdateMethod(m)
	if err != nil {
		q.fail(err)
		return
	}
	writeJSON(q.w, http.StatusOK, methodDoc(m, q.baseURI()+"/"+m.ID))
}

func (a *API) deleteMethod(q *request, args []string) {
	if !q.canWrite() {
		return
	}
	if err := a.store.DeleteMethod(q.tenant, args[0]); err != nil {
		q.fail(err)
		return
	}
	q.w.WriteHeader(http.StatusNoContent)
}

// checkMethodNameAndType runs the checks after validation, in Monasca's
// order: the name conflict (409) before the type lookup (400).
func (a *API) checkMethodNameAndType(tenantID string, m model.NotificationMethod, exceptID string) error {
	if err := a.store.CheckMethodName(tenantID, m.Name, exceptID); err != nil {
		return err
	}
	if !slices.Contains(a.store.NotificationTypes(), m.Type) {
		return &apiError{http.StatusBadRequest, titleBadRequest, fmt.Sprintf("Not a valid notification method type %s ", m.Type)}
	}
	return nil
}

func badNotification(format string, args ...any) error {
	return &apiError{http.StatusBadRequest, titleBadRequest, fmt.Sprintf(format, args...)}
}

// validateMethod is schemas/notifications_request_body_schema.py: the
// voluptuous schema, the period and the per-type address checks. Messages
// imitate voluptuous's (their exact text is UNVERIFIED).
func (a *API) validateMethod(body any, requireAll bool) (model.NotificationMethod, error) {
	obj, ok := body.(map[string]any)
	if !ok {
		return model.NotificationMethod{}, badNotification("expected a dictionary")
	}
	str := func(key string, max int) (string, error) {
		v, ok := obj[key]
		if !ok {
			return "", badNotification("required key not provided @ data['%s']", key)
		}
		s, ok := v.(string)
		if !ok {
			return "", badNotification("expected str for dictionary value @ data['%s']", key)
		}
		if len([]rune(s)) > max {
			return "", badNotification("length of value must be at most %d for dictionary value @ data['%s']", max, key)
		}
		return s, nil
	}
	var m model.NotificationMethod
	var err error
	if m.Name, err = str("name", 250); err != nil {
		return m, err
	}
	if m.Type, err = str("type", 100); err != nil {
		return m, err
	}
	if m.Address, err = str("address", 512); err != nil {
		return m, err
	}
	m.Type = strings.ToUpper(m.Type)
	if p, set := obj["period"]; set {
		if m.Period, err = a.parsePeriod(p); err != nil {
			return m, err
		}
	} else if requireAll {
		return m, badNotification("Period is required")
	}
	switch m.Type {
	case "EMAIL":
		if !emailRe.MatchString(m.Address) {
			return m, badNotification("Address %s is not of correct format", m.Address)
		}
	case "WEBHOOK":
		if err := validateWebhookURL(m.Address); err != nil {
			return m, err
		}
	}
	return m, nil
}

var emailRe = regexp.MustCompile(`^.+@.+$`)

// parsePeriod accepts an int or a numeric string (a float fails the schema,
// "random" fails int()), then checks valid_notification_periods.
func (a *API) parsePeriod(v any) (int, error) {
	var p int
	switch x := v.(type) {
	case json.Number:
		n, err := strconv.Atoi(x.String())
		if err != nil {
			return 0, badNotification("expected int for dictionary value @ data['period']")
		}
		p = n
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		if err != nil {
			return 0, badNotification("Period %s must be a valid integer", x)
		}
		p = n
	default:
		return 0, badNotification("expected int for dictionary value @ data['period']")
	}
	if p != 0 && !slices.Contains(a.validPeriods, p) {
		return 0, badNotification("%d is not in the configured list of valid periods: %s", p, pyIntList(a.validPeriods))
	}
	return p, nil
}

func pyIntList(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

var schemeRe = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.\-]*):`)

// validateWebhookURL follows Python's urlparse as the API uses it: a scheme,
// then a network location ("//host..."), then scheme http or https.
func validateWebhookURL(addr string) error {
	m := schemeRe.FindStringSubmatch(addr)
	if m == nil {
		return badNotification("Address %s does not have URL scheme", addr)
	}
	rest := addr[len(m[0]):]
	netloc := ""
	if strings.HasPrefix(rest, "//") {
		netloc = rest[2:]
		if i := strings.IndexAny(netloc, "/?#"); i >= 0 {
			netloc = netloc[:i]
		}
	}
	if netloc == "" {
		return badNotification("Address %s does not have network location", addr)
	}
	if s := strings.ToLower(m[1]); s != "http" && s != "https" {
		return badNotification("Address %s scheme is not in ['http', 'https']", addr)
	}
	return nil
}
