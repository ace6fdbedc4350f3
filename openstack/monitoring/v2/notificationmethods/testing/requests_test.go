package testing

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/gophercloud/gophercloud/v2/pagination"
	th "github.com/gophercloud/gophercloud/v2/testhelper"

	monitoring "github.com/monhook/monhook/openstack/monitoring/v2"
	"github.com/monhook/monhook/openstack/monitoring/v2/internal/testclient"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
)

func TestCreate(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/notification-methods", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "POST")
		th.TestHeader(t, r, "X-Auth-Token", testclient.TokenID)
		// Monasca rejects anything but exactly application/json here (reference §2).
		th.TestHeader(t, r, "Content-Type", "application/json")
		th.TestJSONRequest(t, r, CreateRequest)
		writeJSON(w, http.StatusCreated, MethodBody(fakeServer.Server.URL))
	})

	period := 0
	got, err := notificationmethods.Create(context.TODO(), testclient.ServiceClient(fakeServer), notificationmethods.CreateOpts{
		Name: "My hook", Type: "WEBHOOK", Address: "http://10.0.0.5:8080/hook", Period: &period,
	}).Extract()
	th.AssertNoErr(t, err)
	th.CheckDeepEquals(t, ExpectedMethod, *got)
}

func TestCreateOmitsNilPeriod(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/notification-methods", func(w http.ResponseWriter, r *http.Request) {
		th.TestJSONRequest(t, r, `{"name":"m","type":"EMAIL","address":"a@b.c"}`)
		writeJSON(w, http.StatusCreated, MethodBody(fakeServer.Server.URL))
	})
	_, err := notificationmethods.Create(context.TODO(), testclient.ServiceClient(fakeServer), notificationmethods.CreateOpts{
		Name: "m", Type: "EMAIL", Address: "a@b.c",
	}).Extract()
	th.AssertNoErr(t, err)
}

func TestCreateRequiresFields(t *testing.T) {
	// A missing required field must fail before any request is sent.
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
	})
	sc := testclient.ServiceClient(fakeServer)
	_, err := notificationmethods.Create(context.TODO(), sc, notificationmethods.CreateOpts{Name: "m", Type: "WEBHOOK"}).Extract()
	th.AssertErr(t, err)
}

func TestCreateRejects200(t *testing.T) {
	// Only 201 is success for POST; anything else is a server we do not understand.
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/notification-methods", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, MethodBody(fakeServer.Server.URL))
	})
	_, err := notificationmethods.Create(context.TODO(), testclient.ServiceClient(fakeServer), notificationmethods.CreateOpts{
		Name: "m", Type: "EMAIL", Address: "a@b.c",
	}).Extract()
	th.AssertErr(t, err)
}

func TestGet(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/notification-methods/"+methodID, func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "GET")
		th.TestHeader(t, r, "X-Auth-Token", testclient.TokenID)
		writeJSON(w, http.StatusOK, MethodBody(fakeServer.Server.URL))
	})
	got, err := notificationmethods.Get(context.TODO(), testclient.ServiceClient(fakeServer), methodID).Extract()
	th.AssertNoErr(t, err)
	th.CheckDeepEquals(t, ExpectedMethod, *got)
}

func TestListPagesWithIntegerOffsets(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	HandleListSuccessfully(t, fakeServer)

	sc := testclient.ServiceClient(fakeServer)
	var pages int
	var got []notificationmethods.NotificationMethod
	err := notificationmethods.List(sc, notificationmethods.ListOpts{Limit: 1}).EachPage(context.TODO(),
		func(_ context.Context, p pagination.Page) (bool, error) {
			pages++
			ms, err := notificationmethods.ExtractNotificationMethods(p)
			got = append(got, ms...)
			return true, err
		})
	th.AssertNoErr(t, err)
	th.AssertEquals(t, 2, pages)
	th.CheckDeepEquals(t, ExpectedList, got)

	all, err := notificationmethods.List(sc, notificationmethods.ListOpts{Limit: 1}).AllPages(context.TODO())
	th.AssertNoErr(t, err)
	allMethods, err := notificationmethods.ExtractNotificationMethods(all)
	th.AssertNoErr(t, err)
	th.CheckDeepEquals(t, ExpectedList, allMethods)
}

func TestListQuery(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/notification-methods", func(w http.ResponseWriter, r *http.Request) {
		th.TestFormValues(t, r, map[string]string{"sort_by": "name desc", "offset": "20", "limit": "10"})
		writeJSON(w, http.StatusOK, `{"links":[{"rel":"self","href":"x"}],"elements":[]}`)
	})
	all, err := notificationmethods.List(testclient.ServiceClient(fakeServer),
		notificationmethods.ListOpts{SortBy: "name desc", Offset: 20, Limit: 10}).AllPages(context.TODO())
	th.AssertNoErr(t, err)
	ms, err := notificationmethods.ExtractNotificationMethods(all)
	th.AssertNoErr(t, err)
	th.AssertEquals(t, 0, len(ms))
}

func TestListTypes(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/notification-methods/types", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "GET")
		th.TestHeader(t, r, "X-Auth-Token", testclient.TokenID)
		writeJSON(w, http.StatusOK, fmt.Sprintf(TypesBody, fakeServer.Server.URL))
	})
	all, err := notificationmethods.ListTypes(testclient.ServiceClient(fakeServer)).AllPages(context.TODO())
	th.AssertNoErr(t, err)
	types, err := notificationmethods.ExtractTypes(all)
	th.AssertNoErr(t, err)
	th.CheckDeepEquals(t, []string{"EMAIL", "PAGERDUTY", "WEBHOOK"}, types)
}

func TestUpdateAccepts200(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/notification-methods/"+methodID, func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "PUT")
		th.TestHeader(t, r, "Content-Type", "application/json")
		// PUT requires period, so a zero period is sent, not omitted.
		th.TestJSONRequest(t, r, CreateRequest)
		writeJSON(w, http.StatusOK, MethodBody(fakeServer.Server.URL))
	})
	got, err := notificationmethods.Update(context.TODO(), testclient.ServiceClient(fakeServer), methodID, notificationmethods.UpdateOpts{
		Name: "My hook", Type: "WEBHOOK", Address: "http://10.0.0.5:8080/hook",
	}).Extract()
	th.AssertNoErr(t, err)
	th.CheckDeepEquals(t, ExpectedMethod, *got)
}

func TestPatchSendsOnlySetFields(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/notification-methods/"+methodID, func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "PATCH")
		th.TestHeader(t, r, "Content-Type", "application/json")
		th.TestJSONRequest(t, r, `{"period":60}`)
		writeJSON(w, http.StatusOK, MethodBody(fakeServer.Server.URL))
	})
	period := 60
	_, err := notificationmethods.Patch(context.TODO(), testclient.ServiceClient(fakeServer), methodID,
		notificationmethods.PatchOpts{Period: &period}).Extract()
	th.AssertNoErr(t, err)
}

func TestDelete(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/notification-methods/"+methodID, func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "DELETE")
		th.TestHeader(t, r, "X-Auth-Token", testclient.TokenID)
		w.WriteHeader(http.StatusNoContent)
	})
	th.AssertNoErr(t, notificationmethods.Delete(context.TODO(), testclient.ServiceClient(fakeServer), methodID).ExtractErr())
}

func TestErrorsKeepTitleAndDescription(t *testing.T) {
	period := 0
	create := notificationmethods.CreateOpts{Name: "My hook", Type: "WEBHOOK", Address: "http://10.0.0.5:8080/hook", Period: &period}
	for _, tc := range []struct {
		e      testclient.ErrorCase
		method string
		path   string
		call   func(*testing.T, th.FakeServer) error
	}{
		{testclient.ErrorCase{Name: "400 bad type", Status: 400, Title: "Bad Request", Description: "Not a valid notification method type WEBHOOK "},
			"POST", "/v2.0/notification-methods", func(t *testing.T, fs th.FakeServer) error {
				_, err := notificationmethods.Create(context.TODO(), testclient.ServiceClient(fs), create).Extract()
				return err
			}},
		{testclient.ForbiddenRole, "POST", "/v2.0/notification-methods", func(t *testing.T, fs th.FakeServer) error {
			_, err := notificationmethods.Create(context.TODO(), testclient.ServiceClient(fs), create).Extract()
			return err
		}},
		{testclient.ErrorCase{Name: "404 get", Status: 404, Title: "Not Found", Description: "No notification method with id " + methodID},
			"GET", "/v2.0/notification-methods/" + methodID, func(t *testing.T, fs th.FakeServer) error {
				_, err := notificationmethods.Get(context.TODO(), testclient.ServiceClient(fs), methodID).Extract()
				return err
			}},
		{testclient.ErrorCase{Name: "404 delete", Status: 404, Title: "Not Found", Description: "No notification method with id " + methodID},
			"DELETE", "/v2.0/notification-methods/" + methodID, func(t *testing.T, fs th.FakeServer) error {
				return notificationmethods.Delete(context.TODO(), testclient.ServiceClient(fs), methodID).ExtractErr()
			}},
		{testclient.ErrorCase{Name: "409 name taken", Status: 409, Title: "Conflict", Description: "A notification method with the name My hook already exists"},
			"POST", "/v2.0/notification-methods", func(t *testing.T, fs th.FakeServer) error {
				_, err := notificationmethods.Create(context.TODO(), testclient.ServiceClient(fs), create).Extract()
				return err
			}},
		{testclient.ErrorCase{Name: "422 bad sort_by", Status: 422, Title: "Unprocessable Entity", Description: "sort_by field color must be one of [id, name, type, address, created_at, updated_at]"},
			"GET", "/v2.0/notification-methods", func(t *testing.T, fs th.FakeServer) error {
				_, err := notificationmethods.List(testclient.ServiceClient(fs), notificationmethods.ListOpts{SortBy: "color"}).AllPages(context.TODO())
				return err
			}},
	} {
		t.Run(tc.e.Name, func(t *testing.T) {
			fakeServer := th.SetupHTTP()
			defer fakeServer.Teardown()
			testclient.HandleError(t, fakeServer, tc.method, tc.path, tc.e)
			testclient.AssertError(t, tc.e, tc.call(t, fakeServer))
		})
	}
}

func TestProbeCreateSendsAnEmptyBodyAndAcceptsTheValidationAnswer(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusUnprocessableEntity} {
		fakeServer := th.SetupHTTP()
		fakeServer.Mux.HandleFunc("/v2.0/notification-methods", func(w http.ResponseWriter, r *http.Request) {
			th.TestMethod(t, r, "POST")
			th.TestJSONRequest(t, r, `{}`)
			writeJSON(w, status, `{"title":"Bad Request","description":"name is required"}`)
		})
		th.AssertNoErr(t, notificationmethods.ProbeCreate(context.TODO(), testclient.ServiceClient(fakeServer)).ExtractErr())
		fakeServer.Teardown()
	}
}

func TestProbeCreateReportsTheRoleRefusal(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/notification-methods", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusUnauthorized, `{"title":"Forbidden","description":"The request does not have access to this service"}`)
	})
	err := notificationmethods.ProbeCreate(context.TODO(), testclient.ServiceClient(fakeServer)).ExtractErr()
	if !monitoring.IsForbiddenRole(err) {
		t.Fatalf("ProbeCreate error = %v, want Monasca's role refusal", err)
	}
}
