package testing

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	th "github.com/gophercloud/gophercloud/v2/testhelper"

	"github.com/monhook/monhook/openstack/monitoring/v2/alarmdefinitions"
	"github.com/monhook/monhook/openstack/monitoring/v2/internal/testclient"
)

func TestCreate(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/alarm-definitions", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "POST")
		th.TestHeader(t, r, "X-Auth-Token", testclient.TokenID)
		th.TestJSONRequest(t, r, CreateRequest)
		writeJSON(w, http.StatusCreated, definitionBody(fakeServer.Server.URL))
	})
	got, err := alarmdefinitions.Create(context.TODO(), testclient.ServiceClient(fakeServer), CreateOptsFull).Extract()
	th.AssertNoErr(t, err)
	th.CheckDeepEquals(t, ExpectedDefinition, *got)
}

func TestCreateRequiresExpression(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
	})
	_, err := alarmdefinitions.Create(context.TODO(), testclient.ServiceClient(fakeServer),
		alarmdefinitions.CreateOpts{Name: "x"}).Extract()
	th.AssertErr(t, err)
}

func TestGet(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/alarm-definitions/"+defID, func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "GET")
		th.TestHeader(t, r, "X-Auth-Token", testclient.TokenID)
		writeJSON(w, http.StatusOK, definitionBody(fakeServer.Server.URL))
	})
	got, err := alarmdefinitions.Get(context.TODO(), testclient.ServiceClient(fakeServer), defID).Extract()
	th.AssertNoErr(t, err)
	th.CheckDeepEquals(t, ExpectedDefinition, *got)
}

func TestListFollowsNextLinkAcrossTwoPages(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	var requests int
	fakeServer.Mux.HandleFunc("/v2.0/alarm-definitions", func(w http.ResponseWriter, r *http.Request) {
		requests++
		th.TestMethod(t, r, "GET")
		th.TestHeader(t, r, "X-Auth-Token", testclient.TokenID)
		q := r.URL.Query()
		if q.Get("name") != "cpu high" || q.Get("limit") != "1" {
			t.Errorf("filters lost on page %d: %s", requests, r.URL.RawQuery)
		}
		switch q.Get("offset") {
		case "":
			writeJSON(w, http.StatusOK, fmt.Sprintf(listPage1, fakeServer.Server.URL))
		case "1":
			writeJSON(w, http.StatusOK, fmt.Sprintf(listPage2, fakeServer.Server.URL))
		default:
			t.Errorf("unexpected offset %q", q.Get("offset"))
		}
	})
	all, err := alarmdefinitions.List(testclient.ServiceClient(fakeServer),
		alarmdefinitions.ListOpts{Name: "cpu high", Limit: 1}).AllPages(context.TODO())
	th.AssertNoErr(t, err)
	defs, err := alarmdefinitions.ExtractAlarmDefinitions(all)
	th.AssertNoErr(t, err)
	th.AssertEquals(t, 2, requests)
	th.CheckDeepEquals(t, []alarmdefinitions.AlarmDefinition{ExpectedDefinition, ExpectedSecond}, defs)
}

func TestListQueryEncodesEveryFilter(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/alarm-definitions", func(w http.ResponseWriter, r *http.Request) {
		th.TestFormValues(t, r, map[string]string{
			"name":       "monhook-x-def",
			"dimensions": "hostname:h1,service:monitoring",
			"severity":   "LOW|HIGH",
			"sort_by":    "created_at",
			"offset":     "10",
			"limit":      "5",
		})
		writeJSON(w, http.StatusOK, `{"links":[{"rel":"self","href":"x"}],"elements":[]}`)
	})
	all, err := alarmdefinitions.List(testclient.ServiceClient(fakeServer), alarmdefinitions.ListOpts{
		Name:       "monhook-x-def",
		Dimensions: map[string]string{"service": "monitoring", "hostname": "h1"},
		Severity:   "LOW|HIGH",
		SortBy:     "created_at",
		Offset:     10,
		Limit:      5,
	}).AllPages(context.TODO())
	th.AssertNoErr(t, err)
	defs, err := alarmdefinitions.ExtractAlarmDefinitions(all)
	th.AssertNoErr(t, err)
	th.AssertEquals(t, 0, len(defs))
}

func TestUpdateSendsEveryKey(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/alarm-definitions/"+defID, func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "PUT")
		// PUT requires all nine keys; nil lists must go out as [].
		th.TestJSONRequest(t, r, `{"name":"cpu high","description":"","expression":"avg(cpu.idle_perc{hostname=h1}) < 10",
			"match_by":["hostname"],"severity":"LOW","alarm_actions":["35cc6f1c-3a29-49fb-a6fc-d9d97d190508"],
			"ok_actions":[],"undetermined_actions":[],"actions_enabled":true}`)
		writeJSON(w, http.StatusOK, definitionBody(fakeServer.Server.URL))
	})
	got, err := alarmdefinitions.Update(context.TODO(), testclient.ServiceClient(fakeServer), defID, alarmdefinitions.UpdateOpts{
		Name: "cpu high", Expression: "avg(cpu.idle_perc{hostname=h1}) < 10", MatchBy: []string{"hostname"},
		AlarmActions: []string{nmID}, ActionsEnabled: true,
	}).Extract()
	th.AssertNoErr(t, err)
	th.CheckDeepEquals(t, ExpectedDefinition, *got)
}

func TestPatchSendsOnlySetFields(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/alarm-definitions/"+defID, func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "PATCH")
		th.TestJSONRequest(t, r, `{"ok_actions":[],"actions_enabled":false}`)
		writeJSON(w, http.StatusOK, definitionBody(fakeServer.Server.URL))
	})
	disabled := false
	clear := []string{}
	_, err := alarmdefinitions.Patch(context.TODO(), testclient.ServiceClient(fakeServer), defID, alarmdefinitions.PatchOpts{
		OKActions: &clear, ActionsEnabled: &disabled,
	}).Extract()
	th.AssertNoErr(t, err)
}

func TestDelete(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/alarm-definitions/"+defID, func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "DELETE")
		th.TestHeader(t, r, "X-Auth-Token", testclient.TokenID)
		w.WriteHeader(http.StatusNoContent)
	})
	th.AssertNoErr(t, alarmdefinitions.Delete(context.TODO(), testclient.ServiceClient(fakeServer), defID).ExtractErr())
}

func TestErrorsKeepTitleAndDescription(t *testing.T) {
	create := func(fs th.FakeServer) error {
		_, err := alarmdefinitions.Create(context.TODO(), testclient.ServiceClient(fs), CreateOptsFull).Extract()
		return err
	}
	for _, tc := range []struct {
		e      testclient.ErrorCase
		method string
		path   string
		call   func(th.FakeServer) error
	}{
		{testclient.ErrorCase{Name: "400 not JSON", Status: 400, Title: "Bad request", Description: "Request body is not valid JSON"},
			"POST", "/v2.0/alarm-definitions", create},
		{testclient.ForbiddenRole, "POST", "/v2.0/alarm-definitions", create},
		{testclient.ErrorCase{Name: "404 patch", Status: 404, Title: "Not Found", Description: "No alarm definition with id " + defID},
			"PATCH", "/v2.0/alarm-definitions/" + defID, func(fs th.FakeServer) error {
				sev := "HIGH"
				_, err := alarmdefinitions.Patch(context.TODO(), testclient.ServiceClient(fs), defID, alarmdefinitions.PatchOpts{Severity: &sev}).Extract()
				return err
			}},
		{testclient.ErrorCase{Name: "409 name taken", Status: 409, Title: "AlreadyExistsException", Description: "An alarm definition with the name cpu high already exists"},
			"POST", "/v2.0/alarm-definitions", create},
		{testclient.ErrorCase{Name: "422 bad expression", Status: 422, Title: "Invalid alarm expression",
			Description: "parser failed on expression 'test=metric > 10' at column 5: Expected end of text"},
			"POST", "/v2.0/alarm-definitions", create},
		{testclient.ErrorCase{Name: "422 match_by change", Status: 422, Title: "InvalidUpdateException", Description: "match_by must not change"},
			"PUT", "/v2.0/alarm-definitions/" + defID, func(fs th.FakeServer) error {
				_, err := alarmdefinitions.Update(context.TODO(), testclient.ServiceClient(fs), defID, alarmdefinitions.UpdateOpts{
					Name: "x", Expression: "max(m) > 1", MatchBy: []string{"service"}}).Extract()
				return err
			}},
		{testclient.ErrorCase{Name: "404 delete", Status: 404, Title: "Not Found", Description: "No alarm definition with id " + defID},
			"DELETE", "/v2.0/alarm-definitions/" + defID, func(fs th.FakeServer) error {
				return alarmdefinitions.Delete(context.TODO(), testclient.ServiceClient(fs), defID).ExtractErr()
			}},
	} {
		t.Run(tc.e.Name, func(t *testing.T) {
			fakeServer := th.SetupHTTP()
			defer fakeServer.Teardown()
			testclient.HandleError(t, fakeServer, tc.method, tc.path, tc.e)
			testclient.AssertError(t, tc.e, tc.call(fakeServer))
		})
	}
}
