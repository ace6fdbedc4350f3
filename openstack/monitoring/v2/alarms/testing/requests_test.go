package testing

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	th "github.com/gophercloud/gophercloud/v2/testhelper"

	"github.com/monhook/monhook/openstack/monitoring/v2/alarms"
	"github.com/monhook/monhook/openstack/monitoring/v2/internal/testclient"
)

func TestGet(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/alarms/"+alarmID, func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "GET")
		th.TestHeader(t, r, "X-Auth-Token", testclient.TokenID)
		writeJSON(w, http.StatusOK, fmt.Sprintf(AlarmBody, fakeServer.Server.URL))
	})
	got, err := alarms.Get(context.TODO(), testclient.ServiceClient(fakeServer), alarmID).Extract()
	th.AssertNoErr(t, err)
	th.CheckDeepEquals(t, ExpectedAlarm, *got)
}

func TestGetParsesJavaTimestampsAndSetFields(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/alarms/"+alarmID, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, fmt.Sprintf(JavaAlarmBody, fakeServer.Server.URL))
	})
	got, err := alarms.Get(context.TODO(), testclient.ServiceClient(fakeServer), alarmID).Extract()
	th.AssertNoErr(t, err)
	want := ExpectedAlarm
	lifecycle, link := "OPEN", "http://tickets/1"
	want.LifecycleState, want.Link = &lifecycle, &link
	th.CheckDeepEquals(t, want, *got)
}

func TestListEncodesFiltersAndPages(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/alarms", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "GET")
		th.TestHeader(t, r, "X-Auth-Token", testclient.TokenID)
		q := r.URL.Query()
		for k, want := range map[string]string{
			"alarm_definition_id":      defID,
			"metric_name":              "cpu.idle_perc",
			"metric_dimensions":        "hostname:h1,service",
			"state":                    "ALARM",
			"severity":                 "LOW",
			"lifecycle_state":          "OPEN",
			"link":                     "http://tickets/1",
			"state_updated_start_time": "2015-03-14T09:00:00.000Z",
			"sort_by":                  "state_updated_timestamp",
			"limit":                    "1",
		} {
			if got := q.Get(k); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
		host := fakeServer.Server.URL
		alarm := fmt.Sprintf(AlarmBody, host)
		switch q.Get("offset") {
		case "":
			next := host + "/v2.0/alarms?" + r.URL.RawQuery + "&offset=1"
			writeJSON(w, http.StatusOK, `{"links":[{"rel":"self","href":"x"},{"rel":"next","href":"`+next+`"}],"elements":[`+alarm+`]}`)
		case "1":
			writeJSON(w, http.StatusOK, `{"links":[{"rel":"self","href":"x"}],"elements":[`+alarm+`]}`)
		default:
			t.Errorf("unexpected offset %q", q.Get("offset"))
		}
	})
	all, err := alarms.List(testclient.ServiceClient(fakeServer), alarms.ListOpts{
		AlarmDefinitionID:     defID,
		MetricName:            "cpu.idle_perc",
		MetricDimensions:      map[string]string{"service": "", "hostname": "h1"},
		State:                 "ALARM",
		Severity:              "LOW",
		LifecycleState:        "OPEN",
		Link:                  "http://tickets/1",
		StateUpdatedStartTime: time.Date(2015, 3, 14, 9, 0, 0, 0, time.UTC),
		SortBy:                "state_updated_timestamp",
		Limit:                 1,
	}).AllPages(context.TODO())
	th.AssertNoErr(t, err)
	got, err := alarms.ExtractAlarms(all)
	th.AssertNoErr(t, err)
	th.CheckDeepEquals(t, []alarms.Alarm{ExpectedAlarm, ExpectedAlarm}, got)
}

func TestListEmptyPage(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/alarms", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"links":[{"rel":"self","href":"x"}],"elements":[]}`)
	})
	all, err := alarms.List(testclient.ServiceClient(fakeServer), nil).AllPages(context.TODO())
	th.AssertNoErr(t, err)
	got, err := alarms.ExtractAlarms(all)
	th.AssertNoErr(t, err)
	th.AssertEquals(t, 0, len(got))
}

func TestUpdate(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/alarms/"+alarmID, func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "PUT")
		th.TestJSONRequest(t, r, `{"state":"ALARM","lifecycle_state":"OPEN","link":"http://tickets/1"}`)
		writeJSON(w, http.StatusOK, fmt.Sprintf(JavaAlarmBody, fakeServer.Server.URL))
	})
	got, err := alarms.Update(context.TODO(), testclient.ServiceClient(fakeServer), alarmID,
		alarms.UpdateOpts{State: "ALARM", LifecycleState: "OPEN", Link: "http://tickets/1"}).Extract()
	th.AssertNoErr(t, err)
	th.AssertEquals(t, "OPEN", *got.LifecycleState)
}

func TestUpdateRequiresEveryField(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
	})
	_, err := alarms.Update(context.TODO(), testclient.ServiceClient(fakeServer), alarmID, alarms.UpdateOpts{State: "OK"}).Extract()
	th.AssertErr(t, err)
}

func TestPatchState(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/alarms/"+alarmID, func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "PATCH")
		th.TestJSONRequest(t, r, `{"state":"ALARM"}`)
		writeJSON(w, http.StatusOK, fmt.Sprintf(AlarmBody, fakeServer.Server.URL))
	})
	state := "ALARM"
	got, err := alarms.Patch(context.TODO(), testclient.ServiceClient(fakeServer), alarmID, alarms.PatchOpts{State: &state}).Extract()
	th.AssertNoErr(t, err)
	th.CheckDeepEquals(t, ExpectedAlarm, *got)
}

func TestDelete(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/alarms/"+alarmID, func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "DELETE")
		th.TestHeader(t, r, "X-Auth-Token", testclient.TokenID)
		w.WriteHeader(http.StatusNoContent)
	})
	th.AssertNoErr(t, alarms.Delete(context.TODO(), testclient.ServiceClient(fakeServer), alarmID).ExtractErr())
}

func TestListStateHistory(t *testing.T) {
	fakeServer := th.SetupHTTP()
	defer fakeServer.Teardown()
	fakeServer.Mux.HandleFunc("/v2.0/alarms/"+alarmID+"/state-history", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "GET")
		th.TestFormValues(t, r, map[string]string{"limit": "5"})
		writeJSON(w, http.StatusOK, fmt.Sprintf(StateHistoryBody, fakeServer.Server.URL))
	})
	all, err := alarms.ListStateHistory(testclient.ServiceClient(fakeServer), alarmID, alarms.StateHistoryOpts{Limit: 5}).AllPages(context.TODO())
	th.AssertNoErr(t, err)
	got, err := alarms.ExtractStateHistory(all)
	th.AssertNoErr(t, err)
	th.CheckDeepEquals(t, []alarms.StateHistory{ExpectedStateHistory}, got)
}

func TestErrorsKeepTitleAndDescription(t *testing.T) {
	patch := func(fs th.FakeServer) error {
		s := "ALARM"
		_, err := alarms.Patch(context.TODO(), testclient.ServiceClient(fs), alarmID, alarms.PatchOpts{State: &s}).Extract()
		return err
	}
	for _, tc := range []struct {
		e      testclient.ErrorCase
		method string
		path   string
		call   func(th.FakeServer) error
	}{
		{testclient.ErrorCase{Name: "400 not JSON", Status: 400, Title: "Bad request", Description: "Request body is not valid JSON"},
			"PATCH", "/v2.0/alarms/" + alarmID, patch},
		{testclient.ForbiddenRole, "PATCH", "/v2.0/alarms/" + alarmID, patch},
		{testclient.ErrorCase{Name: "404 unknown alarm", Status: 404, Title: "Not Found", Description: "No alarm with id " + alarmID},
			"GET", "/v2.0/alarms/" + alarmID, func(fs th.FakeServer) error {
				_, err := alarms.Get(context.TODO(), testclient.ServiceClient(fs), alarmID).Extract()
				return err
			}},
		{testclient.ErrorCase{Name: "409 multiple metrics", Status: 409, Title: "MultipleMetrics", Description: "Found multiple metrics matching metric name and dimensions"},
			"GET", "/v2.0/alarms", func(fs th.FakeServer) error {
				_, err := alarms.List(testclient.ServiceClient(fs), alarms.ListOpts{MetricName: "m"}).AllPages(context.TODO())
				return err
			}},
		{testclient.ErrorCase{Name: "422 missing link", Status: 422, Title: "Unprocessable Entity", Description: "Field 'link' is required"},
			"PUT", "/v2.0/alarms/" + alarmID, func(fs th.FakeServer) error {
				_, err := alarms.Update(context.TODO(), testclient.ServiceClient(fs), alarmID, alarms.UpdateOpts{State: "OK", LifecycleState: "OPEN", Link: "x"}).Extract()
				return err
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
