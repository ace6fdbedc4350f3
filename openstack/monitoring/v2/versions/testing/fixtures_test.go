package testing

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/openstack/monitoring/v2/versions"
)

// ListBody is GET / (reference §1, versions.py).
const ListBody = `{"links":[{"rel":"self","href":"%[1]s/"}],"elements":[{"id":"v2.0","links":[{"rel":"self","href":"%[1]s/v2.0"}],"status":"CURRENT","updated":"2013-03-06T00:00:00.000Z"}]}`

// GetBody is GET /v2.0: a single object, not a list.
const GetBody = `{"id":"v2.0","links":[{"rel":"self","href":"%[1]s/v2.0"}],"status":"CURRENT","updated":"2013-03-06T00:00:00.000Z"}`

func expectedVersion(host string) versions.Version {
	return versions.Version{
		ID:      "v2.0",
		Status:  "CURRENT",
		Updated: time.Date(2013, 3, 6, 0, 0, 0, 0, time.UTC),
		Links:   []gophercloud.Link{{Rel: "self", Href: host + "/v2.0"}},
	}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}
