package api_test

import (
	"strings"
	"testing"

	"github.com/monhook/monhook/internal/lab/store"
)

// Cases the recorded corpus cannot hold: they depend on the request's
// headers or on what the project already has, or upstream answers them
// with a 500 from its own crash and the lab deliberately answers the 4xx
// its validation meant (each listed in the lab package doc).

func TestContentTypes(t *testing.T) {
	e := newEnv(t)
	def := `{"name":"ct","expression":"m > 1"}`
	cases := []struct {
		why, method, path, ct, body string
		status                      int
		desc                        string
	}{
		// validate_json_content_type compares the raw header.
		{"metrics want exactly application/json", "POST", "/v2.0/metrics", "application/json; charset=utf-8", `[]`, 400, "Bad content type. Must be application/json"},
		{"metrics without a type", "POST", "/v2.0/metrics", "", `[]`, 400, "Bad content type. Must be application/json"},
		{"notification PATCH checks the type", "PATCH", "/v2.0/notification-methods/x", "text/plain", `{}`, 400, "Bad content type. Must be application/json"},
		// Definitions go straight to falcon's get_media: an unsupported
		// type is its 415, which from_json turns into 400.
		{"definition as text/plain", "POST", "/v2.0/alarm-definitions", "text/plain", def, 400, "Request body is not valid JSON"},
		{"definition as application/xml", "POST", "/v2.0/alarm-definitions", "application/xml", def, 400, "Request body is not valid JSON"},
		{"definition as msgpack (no handler in falcon 4)", "POST", "/v2.0/alarm-definitions", "application/msgpack", def, 400, "Request body is not valid JSON"},
		{"media types are case-sensitive", "POST", "/v2.0/alarm-definitions", "APPLICATION/JSON", def, 400, "Request body is not valid JSON"},
		{"q=0 refuses the type", "POST", "/v2.0/alarm-definitions", "application/json; q=0", def, 400, "Request body is not valid JSON"},
		{"an empty range does not parse", "POST", "/v2.0/alarm-definitions", "application/json,", def, 400, "Request body is not valid JSON"},
		{"multipart is not read", "POST", "/v2.0/alarm-definitions", "multipart/form-data", def, 400, "Request body is not valid JSON"},
		{"a wildcard ties, JSON comes first", "POST", "/v2.0/alarm-definitions", "application/*", `{"name":"ct4","expression":"m > 1"}`, 201, ""},
		{"a list picks its best match", "POST", "/v2.0/alarm-definitions", "text/plain, application/json", `{"name":"ct5","expression":"m > 1"}`, 201, ""},
		{"a form's escapes", "POST", "/v2.0/alarm-definitions", "application/x-www-form-urlencoded", "name=%ZZ%C3%A9%FF%FF&expression=m%3E1&description&severity=low&severity=high", 422,
			"not a valid value for dictionary value @ data['severity']"},
		{"definition PUT as text/plain", "PUT", "/v2.0/alarm-definitions/x", "text/plain", def, 400, "Request body is not valid JSON"},
		{"definition without a type is JSON", "POST", "/v2.0/alarm-definitions", "", def, 201, ""},
		{"definition as */* is JSON", "POST", "/v2.0/alarm-definitions", "*/*", `{"name":"ct2","expression":"m > 1"}`, 201, ""},
		{"definition with a charset is JSON", "POST", "/v2.0/alarm-definitions", "application/json; charset=utf-8", `{"name":"ct3","expression":"m > 1"}`, 201, ""},
		// falcon's default handlers include URL-encoded forms.
		{"definition as a form", "POST", "/v2.0/alarm-definitions", "application/x-www-form-urlencoded", "name=form&expression=avg%28m%29+%3E+1", 201, ""},
		{"form values are str, match_by is not a list", "POST", "/v2.0/alarm-definitions", "application/x-www-form-urlencoded", "name=f2&expression=m>1&match_by=a", 422, "expected a list for dictionary value @ data['match_by']"},
	}
	for _, c := range cases {
		t.Run(c.why, func(t *testing.T) {
			r := e.call("labuser", c.method, c.path, c.body, c.ct)
			if c.status < 400 {
				e.must(c.status, r)
				return
			}
			title := "Bad request"
			if c.status == 422 {
				title = "Unprocessable Entity"
			}
			wantError(t, r, c.status, title, c.desc)
		})
	}
}

func TestBodiesThatAreNotJSONText(t *testing.T) {
	e := newEnv(t)
	for _, body := range []string{"\xff", `{"name":"a\ud800"}`, `{"name":"\udc00x"}`, `"\ud83d"`, `{"a":1}{}`, `{"a":nan}`} {
		for _, path := range []string{"/v2.0/metrics", "/v2.0/notification-methods", "/v2.0/alarm-definitions"} {
			t.Run(path+body, func(t *testing.T) {
				// A lone surrogate escape is accepted by json.loads and
				// crashes Monasca later (500); the lab refuses it as text.
				wantError(t, e.call("labuser", "POST", path, body), 400, "Bad request", "Request body is not valid JSON")
			})
		}
	}
	// An empty body is falcon's MediaNotFoundError.
	wantError(t, e.call("labuser", "POST", "/v2.0/alarm-definitions", "", ""), 400, "Bad request", "Request body is not valid JSON")
}

func TestNotificationPatchThatIsNotAnObject(t *testing.T) {
	e := newEnv(t)
	id := e.must(201, e.call("labuser", "POST", "/v2.0/notification-methods", hook("p"))).obj()["id"].(string)
	// Upstream assigns into the body before validating it and crashes
	// (500); the lab lets the schema refuse it.
	for _, body := range []string{`[]`, `["name"]`, `"name"`, `5`, `null`} {
		wantError(t, e.call("labuser", "PATCH", "/v2.0/notification-methods/"+id, body), 400, "Bad Request", "expected a dictionary")
	}
	wantError(t, e.call("labuser", "PATCH", "/v2.0/notification-methods/"+id, `{"x":1}`), 400, "Bad Request", "extra keys not allowed @ data['x']")
	wantError(t, e.call("labuser", "PATCH", "/v2.0/notification-methods/"+id, `{"period":"6_0","name":5}`), 400, "Bad Request", "expected str for dictionary value @ data['name']")
	if r := e.must(200, e.call("labuser", "PATCH", "/v2.0/notification-methods/"+id, `{"period":"٦٠"}`)).obj(); r["period"] != float64(60) {
		t.Fatalf("period %v", r["period"])
	}
}

func TestDefinitionPatchThatIsNotAnObject(t *testing.T) {
	e := newEnv(t)
	id := e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions", `{"name":"d","expression":"m > 1"}`)).obj()["id"].(string)
	path := "/v2.0/alarm-definitions/" + id
	cases := []struct {
		body   string
		status int
		desc   string
	}{
		{`[]`, 200, ""},        // no key is "in" the list: an empty patch
		{`"nothing"`, 200, ""}, // nor in the string
		{`["name"]`, 422, "list indices must be integers or slices, not str"},
		{`"a name"`, 422, "string indices must be integers, not 'str'"},
		{`"severity"`, 422, "string indices must be integers, not 'str'"}, // upstream 500: no try block there
		{`5`, 422, "argument of type 'int' is not iterable"},
		{`null`, 422, "argument of type 'NoneType' is not iterable"},
		{`{"severity":"urgent"}`, 422, "Invalid severity"},
		// upstream 500 in safe_decode
		{`{"severity":5}`, 422, "Invalid severity"},
		// upstream 500 in safe_decode
		{`{"severity":null}`, 422, "Invalid severity"},
		// None keeps the stored value
		{`{"name":null,"expression":null,"description":null,"match_by":null,"alarm_actions":null,"actions_enabled":null}`, 200, ""},
	}
	for _, c := range cases {
		r := e.call("labuser", "PATCH", path, c.body)
		if c.status == 200 {
			if e.must(200, r).obj()["name"] != "d" {
				t.Fatalf("%s changed the definition: %s", c.body, r.raw)
			}
			continue
		}
		wantError(t, r, c.status, "Unprocessable Entity", c.desc)
	}
	// actions_enabled is stored as bool(value).
	for body, want := range map[string]bool{`{"actions_enabled":"false"}`: true, `{"actions_enabled":0}`: false, `{"actions_enabled":[0]}`: true, `{"actions_enabled":""}`: false} {
		if got := e.must(200, e.call("labuser", "PATCH", path, body)).obj()["actions_enabled"]; got != want {
			t.Errorf("%s: actions_enabled %v, want %v", body, got, want)
		}
	}
}

func TestDefinitionEmptyNameConflicts(t *testing.T) {
	e := newEnv(t)
	// With no definition yet, an empty name is fine.
	first := e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions", `{"name":"","expression":"m > 1"}`)).obj()["id"].(string)
	// The repository drops an empty name filter: any definition collides.
	wantError(t, e.call("labuser", "POST", "/v2.0/alarm-definitions", `{"name":"","expression":"m > 1"}`), 409,
		"AlreadyExistsException", "An alarm definition with the name  already exists")
	// Another project's definitions do not count.
	e.must(201, e.call("otheruser", "POST", "/v2.0/alarm-definitions", `{"name":"","expression":"m > 1"}`))
	named := e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions", `{"name":"named","expression":"m > 1"}`)).obj()["id"].(string)
	// An update's conflict names the holder's id ...
	wantError(t, e.call("labuser", "PATCH", "/v2.0/alarm-definitions/"+first, `{"name":"named"}`), 409,
		"AlreadyExistsException", "An alarm definition with the name named already exists with id "+named)
	// ... and is checked only for a non-empty name.
	e.must(200, e.call("labuser", "PATCH", "/v2.0/alarm-definitions/"+named, `{"name":""}`))
}

func TestMetricsUpstreamAcceptsAndTheLabStores(t *testing.T) {
	e := newEnv(t)
	ms := `[{"name":"b","value":true,"timestamp":1700000000000.5},{"name":"nan","value":1,"timestamp":NaN},` +
		`{"name":"far","value":1,"timestamp":1e300},{"name":"b","value":false,"timestamp":false}]`
	e.must(204, e.call("labuser", "POST", "/v2.0/metrics", ms))
	pid := e.lab.Credentials().ProjectID
	got := e.lab.Store().Metrics(pid, store.MetricFilter{Name: "b"}, true)
	if len(got) != 1 || len(got[0].Points) != 2 {
		t.Fatalf("stored %+v", got)
	}
	for _, name := range []string{"nan", "far"} {
		// No instant to store them at: accepted and dropped.
		if got := e.lab.Store().Metrics(pid, store.MetricFilter{Name: name}, true); len(got) != 0 {
			t.Errorf("%s stored: %+v", name, got)
		}
	}
}

func TestDefinitionListSeverityQuery(t *testing.T) {
	e := newEnv(t)
	wantError(t, e.call("labuser", "GET", "/v2.0/alarm-definitions?severity=low|urgent", nil), 422,
		"Invalid Severity", "Severity b'urgent' must be one of ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']")
	e.must(200, e.call("labuser", "GET", "/v2.0/alarm-definitions?severity=hıgh|critical", nil))
}

func TestAlarmUpdateSchema(t *testing.T) {
	e := newEnv(t)
	id := createAlarm(t, e, newDefinition(t, e, "cpu", "LOW"), "OK")
	path := "/v2.0/alarms/" + id
	// Upstream's schema error escapes the handler (500); the lab answers
	// 422 with voluptuous's text.
	for body, desc := range map[string]string{
		`{"state":"ok","lifecycle_state":"a","link":"b"}`: "not a valid value for dictionary value @ data['state']",
		`{"state":null}`: "not a valid value for dictionary value @ data['state']",
		`{"state":"OK","lifecycle_state":"` + strings.Repeat("x", 51) + `"}`: "length of value must be at most 50 for dictionary value @ data['lifecycle_state']",
		`{"link":5}`: "expected str for dictionary value @ data['link']",
		`[1]`:        "expected a dictionary",
	} {
		wantError(t, e.call("labuser", "PATCH", path, body), 422, "Unprocessable Entity", desc)
	}
	wantError(t, e.call("labuser", "PUT", path, `{"state":"OK","lifecycle_state":"","link":"l"}`), 422,
		"Unprocessable Entity", "Field 'lifecycle_state' is required")
	r := e.must(200, e.call("labuser", "PATCH", path, `{"lifecycle_state":"","x":1}`)).obj()
	if r["state"] != "OK" || r["lifecycle_state"] != "" {
		t.Fatalf("PATCH keeps the state when it is absent, stores an empty lifecycle_state: %v", r)
	}
	wantError(t, e.call("labuser", "PATCH", path, `{"state":"OK"}`, "text/plain"), 400, "Bad request", "Request body is not valid JSON")
}

func TestDefinitionListEmptyNameFiltersNothing(t *testing.T) {
	e := newEnv(t)
	e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions", `{"name":"a","expression":"m > 1"}`))
	e.must(201, e.call("labuser", "POST", "/v2.0/alarm-definitions", `{"name":"b","expression":"m > 1"}`))
	if got := e.must(200, e.call("labuser", "GET", "/v2.0/alarm-definitions?name=", nil)).elements(); len(got) != 2 {
		t.Fatalf("?name= listed %d definitions, want both", len(got))
	}
	if got := e.must(200, e.call("labuser", "GET", "/v2.0/alarm-definitions?name=b", nil)).elements(); len(got) != 1 {
		t.Fatalf("?name=b listed %d", len(got))
	}
}
