package testing

import (
	"fmt"
	"net/http"
	"testing"

	th "github.com/gophercloud/gophercloud/v2/testhelper"

	"github.com/monhook/monhook/openstack/monitoring/v2/internal/testclient"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
)

const methodID = "35cc6f1c-3a29-49fb-a6fc-d9d97d190508"

// CreateRequest is what Create must send.
const CreateRequest = `{"name":"My hook","type":"WEBHOOK","address":"http://10.0.0.5:8080/hook","period":0}`

// MethodBody is a single method as Monasca returns it (reference §3, 201 example).
func MethodBody(host string) string {
	return fmt.Sprintf(`{"id":"%[2]s","name":"My hook","type":"WEBHOOK","address":"http://10.0.0.5:8080/hook","period":0,
 "links":[{"rel":"self","href":"%[1]s/v2.0/notification-methods/%[2]s"}]}`, host, methodID)
}

// ExpectedMethod is MethodBody decoded.
var ExpectedMethod = notificationmethods.NotificationMethod{
	ID:      methodID,
	Name:    "My hook",
	Type:    "WEBHOOK",
	Address: "http://10.0.0.5:8080/hook",
	Period:  0,
}

// Two list pages with limit=1. The first page's next link has the quirk of
// reference §2: the last element's UUID in offset=, which the server rejects.
const listPage1 = `{"links":[{"rel":"self","href":"%[1]s/v2.0/notification-methods?limit=1"},
 {"rel":"next","href":"%[1]s/v2.0/notification-methods?offset=35cc6f1c-3a29-49fb-a6fc-d9d97d190508&limit=1"}],
 "elements":[{"id":"35cc6f1c-3a29-49fb-a6fc-d9d97d190508","name":"My hook","type":"WEBHOOK","address":"http://10.0.0.5:8080/hook","period":0,
  "links":[{"rel":"self","href":"%[1]s/v2.0/notification-methods/35cc6f1c-3a29-49fb-a6fc-d9d97d190508"}]}]}`

const listPage2 = `{"links":[{"rel":"self","href":"%[1]s/v2.0/notification-methods?offset=1&limit=1"}],
 "elements":[{"id":"a1b2c3d4-0000-4000-8000-000000000002","name":"ops mail","type":"EMAIL","address":"ops@example.com","period":0,
  "links":[{"rel":"self","href":"%[1]s/v2.0/notification-methods/a1b2c3d4-0000-4000-8000-000000000002"}]}]}`

// ExpectedList is both pages in order.
var ExpectedList = []notificationmethods.NotificationMethod{
	ExpectedMethod,
	{ID: "a1b2c3d4-0000-4000-8000-000000000002", Name: "ops mail", Type: "EMAIL", Address: "ops@example.com"},
}

// TypesBody is GET /notification-methods/types (reference §3).
const TypesBody = `{"links":[{"rel":"self","href":"%s/v2.0/notification-methods/types"}],"elements":[{"type":"EMAIL"},{"type":"PAGERDUTY"},{"type":"WEBHOOK"}]}`

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

// HandleListSuccessfully serves the two pages, and fails the test if the
// client follows the UUID offset literally.
func HandleListSuccessfully(t *testing.T, fakeServer th.FakeServer) {
	host := fakeServer.Server.URL
	fakeServer.Mux.HandleFunc("/v2.0/notification-methods", func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, "GET")
		th.TestHeader(t, r, "X-Auth-Token", testclient.TokenID)
		q := r.URL.Query()
		if q.Get("limit") != "1" {
			t.Errorf("limit = %q, want 1 on every page", q.Get("limit"))
		}
		switch q.Get("offset") {
		case "":
			writeJSON(w, http.StatusOK, fmt.Sprintf(listPage1, host))
		case "1":
			writeJSON(w, http.StatusOK, fmt.Sprintf(listPage2, host))
		default:
			t.Errorf("client followed offset=%q; Monasca answers 422 to a non-integer offset", q.Get("offset"))
			writeJSON(w, http.StatusUnprocessableEntity, `{"title":"Unprocessable Entity","description":"Offset value `+q.Get("offset")+` must be an integer"}`)
		}
	})
}
