package testing

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	th "github.com/gophercloud/gophercloud/v2/testhelper"

	"github.com/monhook/monhook/openstack/monitoring/v2/internal/testclient"
	"github.com/monhook/monhook/openstack/monitoring/v2/versions"
)

func TestListReadsEndpointRoot(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "GET")
		th.TestHeader(t, r, "X-Auth-Token", testclient.TokenID)
		if r.URL.Path != "/" {
			t.Errorf("path = %q, want the endpoint root", r.URL.Path)
		}
		writeJSON(w, http.StatusOK, fmt.Sprintf(ListBody, fakeServer.Server.URL))
	})
	all, err := versions.List(testclient.ServiceClient(fakeServer)).AllPages(context.TODO())
	th.AssertNoErr(t, err)
	got, err := versions.ExtractVersions(all)
	th.AssertNoErr(t, err)
	th.CheckDeepEquals(t, []versions.Version{expectedVersion(fakeServer.Server.URL)}, got)
}

func TestGet(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "GET")
		th.TestHeader(t, r, "X-Auth-Token", testclient.TokenID)
		writeJSON(w, http.StatusOK, fmt.Sprintf(GetBody, fakeServer.Server.URL))
	})
	got, err := versions.Get(context.TODO(), testclient.ServiceClient(fakeServer), "v2.0").Extract()
	th.AssertNoErr(t, err)
	th.CheckDeepEquals(t, expectedVersion(fakeServer.Server.URL), *got)
}

func TestErrorsKeepTitleAndDescription(t *testing.T) {
	for _, e := range []testclient.ErrorCase{
		{Name: "400", Status: 400, Title: "Bad Request", Description: "bad"},
		testclient.ForbiddenRole,
		{Name: "404", Status: 404, Title: "Not Found", Description: "nope"},
		{Name: "409", Status: 409, Title: "Conflict", Description: "conflict"},
		{Name: "422 invalid version", Status: 422, Title: "Invalid version", Description: "No versions found matching v3.0"},
	} {
		t.Run(e.Name, func(t *testing.T) {
			fakeServer := th.SetupHTTP()
			defer fakeServer.Teardown()
			testclient.HandleError(t, fakeServer, "GET", "/v3.0", e)
			_, err := versions.Get(context.TODO(), testclient.ServiceClient(fakeServer), "v3.0").Extract()
			testclient.AssertError(t, e, err)
		})
	}
}
