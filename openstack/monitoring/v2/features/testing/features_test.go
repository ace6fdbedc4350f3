package testing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"

	th "github.com/gophercloud/gophercloud/v2/testhelper"

	"github.com/monhook/monhook/openstack/monitoring/v2/features"
	"github.com/monhook/monhook/openstack/monitoring/v2/internal/testclient"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
)

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

const (
	falcon404 = `{"title":"Not Found","description":""}`
	java404   = `{"not_found":{"code":404,"message":"HTTP 404 Not Found","details":"","internal_code":"7a1"}}`
	methods   = `{"links":[{"rel":"self","href":"x"}],"elements":[]}`
)

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name          string
		types, list   func(w http.ResponseWriter)
		wantHas       bool
		wantFlavor    string
		wantTypes     []string
		wantNotMon    bool
		wantErrStatus int
	}{
		{name: "Newton on: the types endpoint answers",
			types: func(w http.ResponseWriter) {
				writeJSON(w, 200, `{"links":[],"elements":[{"type":"EMAIL"},{"type":"WEBHOOK"}]}`)
			},
			wantHas: true, wantFlavor: features.FlavorUnknown, wantTypes: []string{"EMAIL", "WEBHOOK"}},
		{name: "pre-Newton Python",
			types:   func(w http.ResponseWriter) { writeJSON(w, 404, falcon404) },
			list:    func(w http.ResponseWriter) { writeJSON(w, 200, methods) },
			wantHas: false, wantFlavor: "python", wantTypes: features.FixedTypes},
		{name: "pre-Newton Java",
			types:   func(w http.ResponseWriter) { writeJSON(w, 404, java404) },
			list:    func(w http.ResponseWriter) { writeJSON(w, 200, methods) },
			wantHas: false, wantFlavor: "java", wantTypes: features.FixedTypes},
		{name: "not Monasca: both 404",
			types:      func(w http.ResponseWriter) { writeJSON(w, 404, falcon404) },
			list:       func(w http.ResponseWriter) { writeJSON(w, 404, falcon404) },
			wantNotMon: true},
		{name: "another error is returned as it came",
			types:         func(w http.ResponseWriter) { writeJSON(w, 503, `{"title":"Service Unavailable","description":"x"}`) },
			wantErrStatus: 503},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fakeServer := th.SetupHTTP()
			defer fakeServer.Teardown()
			lists := 0
			fakeServer.Mux.HandleFunc("/v2.0/notification-methods/types", func(w http.ResponseWriter, r *http.Request) { tc.types(w) })
			fakeServer.Mux.HandleFunc("/v2.0/notification-methods", func(w http.ResponseWriter, r *http.Request) {
				lists++
				th.TestMethod(t, r, "GET")
				if r.URL.Query().Get("limit") != "1" {
					t.Errorf("list query %q, want limit=1", r.URL.RawQuery)
				}
				tc.list(w)
			})
			api, err := features.Detect(context.Background(), testclient.ServiceClient(fakeServer))
			var nm *features.NotMonascaError
			switch {
			case tc.wantNotMon:
				if !errors.As(err, &nm) {
					t.Fatalf("err = %v, want a NotMonascaError", err)
				}
				return
			case tc.wantErrStatus != 0:
				if err == nil || lists != 0 {
					t.Fatalf("err = %v after %d lists, want the %d and no list", err, lists, tc.wantErrStatus)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			for _, f := range features.All {
				if api.Has[f] != tc.wantHas {
					t.Errorf("Has[%s] = %v, want %v", f, api.Has[f], tc.wantHas)
				}
			}
			if api.Flavor != tc.wantFlavor || !slices.Equal(api.NotificationTypes, tc.wantTypes) {
				t.Errorf("flavor %q types %v, want %q %v", api.Flavor, api.NotificationTypes, tc.wantFlavor, tc.wantTypes)
			}
			if tc.wantHas && lists != 0 {
				t.Errorf("%d lists of methods after the types answered, want none", lists)
			}
		})
	}
}

// fakeCreate answers creates like Mitaka when refuse is set: status and
// refuse for a period key (Python or Java wording); 201 otherwise. It records the bodies.
func fakeCreate(t *testing.T, fakeServer th.FakeServer, status int, refuse string) *[]map[string]any {
	var bodies []map[string]any
	fakeServer.Mux.HandleFunc("/v2.0/notification-methods", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "POST")
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		bodies = append(bodies, m)
		if _, ok := m["period"]; ok && refuse != "" {
			writeJSON(w, status, refuse)
			return
		}
		writeJSON(w, 201, `{"id":"m1","name":"n","type":"WEBHOOK","address":"http://h/x"}`)
	})
	return &bodies
}

var opts = notificationmethods.CreateOpts{Name: "n", Type: "WEBHOOK", Address: "http://h/x"}

func TestCreateMethodSendsPeriodOnlyWhereTheAPIHasIt(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	// Mitaka's answer (notifications.py@mitaka-eol): the schema error as 400.
	bodies := fakeCreate(t, fakeServer, 400, `{"title":"Bad Request","description":"extra keys not allowed @ data['period']"}`)
	c := testclient.ServiceClient(fakeServer)

	newton := features.Newton()
	if _, err := features.CreateMethod(context.Background(), c, &newton, opts, 0); err != nil {
		// Refused period 0: asked again without it.
		t.Fatal(err)
	}
	if got := *bodies; len(got) != 2 || got[0]["period"] != float64(0) || got[1]["period"] != nil {
		t.Fatalf("bodies %v, want period 0 then none", got)
	}
	if newton.Has[features.Period] {
		t.Error("a refused period is still recorded as a feature")
	}
	// Now known: no period key at all, one request.
	*bodies = nil
	if _, err := features.CreateMethod(context.Background(), c, &newton, opts, 0); err != nil || len(*bodies) != 1 || (*bodies)[0]["period"] != nil {
		t.Fatalf("err %v bodies %v, want one create without period", err, *bodies)
	}
	// Period 60 without the feature: refused before any request.
	*bodies = nil
	_, err := features.CreateMethod(context.Background(), c, &newton, opts, 60)
	var missing *features.MissingError
	if !errors.As(err, &missing) || missing.Feature != features.Period || len(*bodies) != 0 {
		t.Fatalf("err %v after %d creates, want a MissingError for period and no create", err, len(*bodies))
	}
}

func TestCreateMethodReadsTheJavaRefusal(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	bodies := fakeCreate(t, fakeServer, 422, `{"unprocessable_entity":{"code":422,"message":"Unable to process the provided JSON","details":"Unrecognized field \"period\" (class monasca.api.app.command.CreateNotificationMethodCommand), not marked as ignorable","internal_code":"1b"}}`)
	api := features.Newton()
	_, err := features.CreateMethod(context.Background(), testclient.ServiceClient(fakeServer), &api, opts, 60)
	var missing *features.MissingError
	if !errors.As(err, &missing) || len(*bodies) != 1 {
		t.Fatalf("err %v after %d creates, want a MissingError after the one refused create", err, len(*bodies))
	}
	if api.Flavor != "java" || api.Has[features.Period] {
		t.Errorf("api %+v, want flavor java without period", api)
	}
}

func TestCreateMethodKeepsOtherErrors(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/notification-methods", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 422, `{"title":"Unprocessable Entity","description":"Address http://h is not of correct format"}`)
	})
	api := features.Newton()
	_, err := features.CreateMethod(context.Background(), testclient.ServiceClient(fakeServer), &api, opts, 0)
	var missing *features.MissingError
	if err == nil || errors.As(err, &missing) || !api.Has[features.Period] {
		t.Fatalf("err %v, api %+v; want the 422 as it came, period still a feature", err, api)
	}
}
