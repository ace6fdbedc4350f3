package testing

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	th "github.com/gophercloud/gophercloud/v2/testhelper"

	"github.com/monhook/monhook/openstack/monitoring/v2/internal/testclient"
	"github.com/monhook/monhook/openstack/monitoring/v2/metrics"
)

func handleCreate(t *testing.T, fakeServer th.FakeServer, wantBody string) {
	fakeServer.Mux.HandleFunc("/v2.0/metrics", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "POST")
		th.TestHeader(t, r, "X-Auth-Token", testclient.TokenID)
		th.TestHeader(t, r, "Content-Type", "application/json")
		th.TestJSONRequest(t, r, wantBody)
		w.WriteHeader(http.StatusNoContent)
	})
}

func TestCreateOne(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	handleCreate(t, fakeServer, OneRequest)
	th.AssertNoErr(t, metrics.Create(context.TODO(), testclient.ServiceClient(fakeServer), One).ExtractErr())
}

func TestCreateBatchIsBareArray(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	handleCreate(t, fakeServer, BatchRequest)
	batch := metrics.BatchCreateOpts{One, {Name: "monhook.synthetic", Timestamp: 1718000060123, Value: 97.5}}
	th.AssertNoErr(t, metrics.Create(context.TODO(), testclient.ServiceClient(fakeServer), batch).ExtractErr())
}

func TestCreateRejectsMissingTimestampBeforeSending(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
	})
	sc := testclient.ServiceClient(fakeServer)
	th.AssertErr(t, metrics.Create(context.TODO(), sc, metrics.CreateOpts{Name: "m", Value: 1}).ExtractErr())
	th.AssertErr(t, metrics.Create(context.TODO(), sc, metrics.BatchCreateOpts{One, {Name: "m"}}).ExtractErr())
	th.AssertErr(t, metrics.Create(context.TODO(), sc, metrics.CreateOpts{Timestamp: 1}).ExtractErr())
}

func TestCreateTreats201AsUnexpected(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/metrics", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
	})
	th.AssertErr(t, metrics.Create(context.TODO(), testclient.ServiceClient(fakeServer), One).ExtractErr())
}

func TestListByNameDimensionsAndTime(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/metrics", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "GET")
		th.TestHeader(t, r, "X-Auth-Token", testclient.TokenID)
		th.TestFormValues(t, r, map[string]string{
			"name":       "cpu.idle_perc",
			"dimensions": "hostname:h1,service:monitoring",
			"start_time": "2026-01-02T03:04:05.000Z",
			"end_time":   "2026-01-02T04:04:05.000Z",
			"tenant_id":  "p1",
			"limit":      "2",
		})
		writeJSON(w, http.StatusOK, fmt.Sprintf(ListBody, fakeServer.Server.URL))
	})
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	all, err := metrics.List(testclient.ServiceClient(fakeServer), metrics.ListOpts{
		Name:       "cpu.idle_perc",
		Dimensions: map[string]string{"service": "monitoring", "hostname": "h1"},
		StartTime:  start,
		EndTime:    start.Add(time.Hour),
		TenantID:   "p1",
		Limit:      2,
	}).AllPages(context.TODO())
	th.AssertNoErr(t, err)
	got, err := metrics.ExtractMetrics(all)
	th.AssertNoErr(t, err)
	th.CheckDeepEquals(t, ExpectedList, got)
}

func TestErrorsKeepTitleAndDescription(t *testing.T) {
	create := func(fs th.FakeServer) error {
		return metrics.Create(context.TODO(), testclient.ServiceClient(fs), One).ExtractErr()
	}
	for _, e := range []testclient.ErrorCase{
		{Name: "400 content type", Status: 400, Title: "Bad request", Description: "Bad content type. Must be application/json"},
		testclient.ForbiddenRole,
		{Name: "404", Status: 404, Title: "Not Found", Description: "not found"},
		{Name: "409", Status: 409, Title: "MultipleMetrics", Description: "Found multiple metrics"},
		{Name: "422 bad name", Status: 422, Title: "Unprocessable Entity", Description: "Invalid characters in metric name monhook synthetic"},
	} {
		t.Run(e.Name, func(t *testing.T) {
			fakeServer := th.SetupHTTP()
			defer fakeServer.Teardown()
			testclient.HandleError(t, fakeServer, "POST", "/v2.0/metrics", e)
			testclient.AssertError(t, e, create(fakeServer))
		})
	}
}
