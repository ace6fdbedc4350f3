package api

import (
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/pyjson"
)

var methodSortFields = []string{"id", "name", "type", "address", "created_at", "updated_at"}

func (a *API) methodDoc(m model.NotificationMethod, href string) map[string]any {
	doc := map[string]any{
		"id": m.ID, "name": m.Name, "type": m.Type, "address": m.Address, "period": m.Period,
		"links": links(href),
	}
	if !a.profile.NotificationPeriods() {
		delete(doc, "period") // before Newton a method has no period
	}
	return doc
}

func (a *API) listMethods(q *request, _ []string) {
	if !q.canRead() {
		return
	}
	sortFields := methodSortFields
	if !a.profile.NotificationSortBy() {
		sortFields = nil // Mitaka reads no sort_by
	}
	lp, err := q.listParams(sortFields)
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
		elems = append(elems, a.methodDoc(m, base+"/"+m.ID))
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
	writeJSON(q.w, http.StatusOK, a.methodDoc(m, q.baseURI()+"/"+m.ID))
}

func (a *API) createMethod(q *request, _ []string) {
	if !q.jsonContentType() || !q.canWrite() {
		return
	}
	body, ok := q.readBody()
	if !ok {
		return
	}
	m, err := a.validateMethodFor(body, verbCreate)
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
	writeJSON(q.w, http.StatusCreated, a.methodDoc(m, q.baseURI()+"/"+m.ID))
}

func (a *API) putMethod(q *request, args []string) {
	if !q.jsonContentType() || !q.canWrite() {
		return
	}
	body, ok := q.readBody()
	if !ok {
		return
	}
	a.updateMethod(q, args[0], body, verbUpdate)
}

func (a *API) patchMethod(q *request, args []string) {
	if !q.jsonContentType() || !q.canWrite() {
		return
	}
	body, ok := q.readBody()
	if !ok {
		return
	}
	old, err := a.store.TenantMethod(q.tenant, args[0])
	if err != nil {
		q.fail(err)
		return
	}
	if q.java() {
		m, err := a.patchMethodJava(body, old)
		if err != nil {
			q.fail(err)
			return
		}
		a.storeMethodUpdate(q, m)
		return
	}
	// _patch_get_notification fills absent fields from the stored row,
	// then the body is validated like PUT's. Upstream crashes (500) on a
	// body that is not an object; the lab lets the schema refuse it (400).
	if obj, isObj := body.(pyjson.Object); isObj {
		for _, d := range []pyjson.Member{{Key: "name", Value: old.Name}, {Key: "type", Value: old.Type},
			{Key: "address", Value: old.Address}, {Key: "period", Value: big.NewInt(int64(old.Period))}} {
			if !obj.Has(d.Key) {
				obj = append(obj, d)
			}
		}
		body = obj
	}
	a.updateMethod(q, args[0], body, verbPatch)
}

func (a *API) updateMethod(q *request, id string, body any, cmd methodVerb) {
	m, err := a.validateMethodFor(body, cmd)
	if err != nil {
		q.fail(err)
		return
	}
	m.ID = id
	a.storeMethodUpdate(q, m)
}

// storeMethodUpdate checks and stores a validated update of method m.ID.
func (a *API) storeMethodUpdate(q *request, m model.NotificationMethod) {
	id := m.ID
	m.TenantID = q.tenant
	if err := a.checkMethodNameAndType(q.tenant, m, id); err != nil {
		q.fail(err)
		return
	}
	m, err := a.store.UpdateMethod(m)
	if err != nil {
		q.fail(err)
		return
	}
	writeJSON(q.w, http.StatusOK, a.methodDoc(m, q.baseURI()+"/"+m.ID))
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
	if a.profile.Java() {
		return a.javaCheckMethodNameAndType(tenantID, m, exceptID)
	}
	if a.profile.FixedNotificationTypes() != nil {
		// Before Newton the schema's literals are the type check.
		return a.store.CheckMethodName(tenantID, m.Name, exceptID)
	}
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

// notificationSchema is notifications_request_body_schema's voluptuous
// schema: no extra keys, and no length limit on type.
var notificationSchema = []field{
	{"name", true, strOf(250)},
	{"type", true, strOf(0)},
	{"address", true, strOf(512)},
	{"period", false, func(v any) *vInvalid {
		if isPyInt(v) || isPyStr(v) {
			return nil
		}
		return &vInvalid{msg: "expected int"}
	}},
}

// validateMethodFor validates a POST, PUT or PATCH body (PATCH: after
// the stored fields were filled in) as the profile's API does.
func (a *API) validateMethodFor(body any, cmd methodVerb) (model.NotificationMethod, error) {
	switch {
	case a.profile.Java():
		return a.validateMethodJava(body, cmd)
	case !a.profile.NotificationPeriods():
		return a.validateMethodMitaka(body)
	}
	return a.validateMethod(body, cmd != verbCreate)
}

// validateMethod is parse_and_validate: the schema, the period (int() of
// it, then valid_notification_periods) and the per-type address checks.
func (a *API) validateMethod(body any, requireAll bool) (model.NotificationMethod, error) {
	var m model.NotificationMethod
	if err := validateDict(body, notificationSchema, false); err != nil {
		return m, badNotification("%s", err.Error())
	}
	obj := body.(pyjson.Object)
	get := func(k string) string { v, _ := obj.Get(k); return v.(string) }
	m.Name, m.Type, m.Address = get("name"), get("type"), get("address")
	if p, set := obj.Get("period"); set {
		var err error
		if m.Period, err = a.parsePeriod(p); err != nil {
			return m, err
		}
	} else if requireAll {
		return m, badNotification("Period is required")
	}
	m.Type = pyUpper(m.Type)
	if err := validateAddress(m.Type, m.Address); err != nil {
		return m, err
	}
	if m.Type != "WEBHOOK" && m.Period != 0 && !a.profile.PeriodsOnEveryType() {
		return m, badNotification("Period can only be set with webhooks")
	}
	return m, nil
}

// validateAddress is the Python API's per-type address check (every
// release): an EMAIL address must match pyEmailMatch, a WEBHOOK one pass
// validateWebhookURL; other types' addresses are not checked.
func validateAddress(typ, address string) error {
	switch typ {
	case "EMAIL":
		if !pyEmailMatch(address) {
			return badNotification("Address %s is not of correct format", address)
		}
	case "WEBHOOK":
		return validateWebhookURL(address)
	}
	return nil
}

// pyEmailMatch is re.match('^.+@.+$', s): "." stops at a newline and "$"
// also matches before a final newline.
func pyEmailMatch(s string) bool {
	s = strings.TrimSuffix(s, "\n")
	return !strings.Contains(s, "\n") && hasAtInside(s)
}

// hasAtInside: some "@" with a character on each side.
func hasAtInside(s string) bool {
	for i := 1; i < len(s)-1; i++ {
		if s[i] == '@' {
			return true
		}
	}
	return false
}

// parsePeriod is _parse_and_validate_period: int(period) (a bool is 0 or
// 1, a str may have spaces, underscores and digits of any script), then
// 0 or one of the configured periods.
func (a *API) parsePeriod(v any) (int, error) {
	var n *big.Int
	switch x := v.(type) {
	case bool:
		n = big.NewInt(0)
		if x {
			n.SetInt64(1)
		}
	case *big.Int:
		n = x
	case string:
		var ok bool
		if n, ok = pyInt(x); !ok {
			return 0, badNotification("Period %s must be a valid integer", x)
		}
	}
	if n.Sign() != 0 && !slices.ContainsFunc(a.validPeriods, func(p int) bool { return n.IsInt64() && n.Int64() == int64(p) }) {
		return 0, badNotification("%s is not in the configured list of valid periods: %s", n, pyIntList(a.validPeriods))
	}
	return int(n.Int64()), nil
}

func pyIntList(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// validateWebhookURL is _validate_url: urlparse (a ValueError is "not of
// correct format"), then a scheme, a network location, http or https.
func validateWebhookURL(addr string) error {
	u, err := pyURLSplit(addr)
	switch {
	case err != nil:
		return badNotification("Address %s is not of correct format", addr)
	case u.scheme == "":
		return badNotification("Address %s does not have URL scheme", addr)
	case u.netloc == "":
		return badNotification("Address %s does not have network location", addr)
	case u.scheme != "http" && u.scheme != "https":
		return badNotification("Address %s scheme is not in ['http', 'https']", addr)
	}
	return nil
}
