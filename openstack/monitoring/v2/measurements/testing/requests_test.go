package testing

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	th "github.com/gophercloud/gophercloud/v2/testhelper"

	"github.com/monhook/monhook/openstack/monitoring/v2/internal/testclient"
	"github.com/monhook/monhook/openstack/monitoring/v2/measurements"
)

var start = time.Date(2015, 3, 3, 5, 0, 0, 0, time.UTC)

func TestListEncodesEveryOption(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/metrics/measurements", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "GET")
		th.TestHeader(t, r, "X-Auth-Token", testclient.TokenID)
		th.TestFormValues(t, r, map[string]string{
			"name":          "cpu.idle_perc",
			"dimensions":    "hostname:h1",
			"start_time":    "2015-03-03T05:00:00.000Z",
			"end_time":      "2015-03-03T06:00:00.000Z",
			"merge_metrics": "true",
			"group_by":      "hostname",
			"limit":         "100",
		})
		writeJSON(w, http.StatusOK, fmt.Sprintf(ListBody, fakeServer.Server.URL))
	})
	all, err := measurements.List(testclient.ServiceClient(fakeServer), measurements.ListOpts{
		Name:         "cpu.idle_perc",
		Dimensions:   map[string]string{"hostname": "h1"},
		StartTime:    start,
		EndTime:      start.Add(time.Hour),
		MergeMetrics: true,
		GroupBy:      "hostname",
		Limit:        100,
	}).AllPages(context.TODO())
	th.AssertNoErr(t, err)
	got, err := measurements.ExtractSeries(all)
	th.AssertNoErr(t, err)
	th.CheckDeepEquals(t, ExpectedSeries, got)
}

func TestListRequiresNameAndStartTime(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
	})
	sc := testclient.ServiceClient(fakeServer)
	_, err := measurements.List(sc, measurements.ListOpts{Name: "m"}).AllPages(context.TODO())
	th.AssertErr(t, err)
	_, err = measurements.List(sc, measurements.ListOpts{StartTime: start}).AllPages(context.TODO())
	th.AssertErr(t, err)
}

func TestSeriesDecodesRowsByColumnName(t *testing.T) {
	var s measurements.Series
	err := json.Unmarshal([]byte(`{"name":"m","columns":["value","timestamp"],"measurements":[[3.5,"2015-03-03T05:22:28Z"]]}`), &s)
	th.AssertNoErr(t, err)
	th.CheckDeepEquals(t, []measurements.Measurement{{Timestamp: time.Date(2015, 3, 3, 5, 22, 28, 0, time.UTC), Value: 3.5}}, s.Measurements)

	err = json.Unmarshal([]byte(`{"name":"m","columns":["timestamp","value"],"measurements":[["yesterday",1]]}`), &s)
	th.AssertErr(t, err)
}

func TestErrorsKeepTitleAndDescription(t *testing.T) {
	for _, e := range []testclient.ErrorCase{
		{Name: "400", Status: 400, Title: "Bad Request", Description: "bad"},
		testclient.ForbiddenRole,
		{Name: "404", Status: 404, Title: "Not Found", Description: "not found"},
		{Name: "409 multiple metrics", Status: 409, Title: "MultipleMetrics", Description: "Found multiple metrics matching metric name and dimensions. Please refine your search criteria using a unique metric name or additional dimensions. Alternatively, you may specify 'merge_metrics=True' as a query param to combine all metrics matching search criteria into a single series."},
		{Name: "422 start_time", Status: 422, Title: "Unprocessable Entity", Description: "start_time must be before end_time"},
	} {
		t.Run(e.Name, func(t *testing.T) {
			fakeServer := th.SetupHTTP()
			defer fakeServer.Teardown()
			testclient.HandleError(t, fakeServer, "GET", "/v2.0/metrics/measurements", e)
			_, err := measurements.List(testclient.ServiceClient(fakeServer), measurements.ListOpts{Name: "m", StartTime: start}).AllPages(context.TODO())
			testclient.AssertError(t, e, err)
		})
	}
}

// The fake answers as monasca-api does: a start_time that does not parse
// (what a literal follow of its own next link sends) is 422.
func TestListFollowsADoubleEncodedNextLinkByItsOffset(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	var offsets []string
	fakeServer.Mux.HandleFunc("/v2.0/metrics/measurements", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if _, err := time.Parse(time.RFC3339, q.Get("start_time")); err != nil {
			writeJSON(w, http.StatusUnprocessableEntity, fmt.Sprintf(`{"title":"Unprocessable Entity","description":"Unable to parse date string '%s'"}`, q.Get("start_time")))
			return
		}
		if q.Get("dimensions") != "hostname:h1" || q.Get("group_by") != "*" || q.Get("limit") != "1" {
			t.Errorf("query %s", r.URL.RawQuery)
		}
		offsets = append(offsets, q.Get("offset"))
		switch q.Get("offset") {
		case "":
			writeJSON(w, http.StatusOK, fmt.Sprintf(FirstPageBody, fakeServer.Server.URL))
		case "01a2b3_2015-03-03T05:22:28.123Z":
			writeJSON(w, http.StatusOK, LastPageBody)
		default:
			t.Errorf("unexpected offset %q", q.Get("offset"))
		}
	})
	all, err := measurements.List(testclient.ServiceClient(fakeServer), measurements.ListOpts{
		Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "h1"}, StartTime: start, GroupBy: "*", Limit: 1,
	}).AllPages(context.TODO())
	th.AssertNoErr(t, err)
	got, err := measurements.ExtractSeries(all)
	th.AssertNoErr(t, err)
	if len(got) != 2 || len(offsets) != 2 || got[1].Measurements[0].ValueMeta["run"] != "abc" {
		t.Fatalf("series %+v after offsets %q", got, offsets)
	}
}
