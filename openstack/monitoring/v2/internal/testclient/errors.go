package testclient

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	th "github.com/gophercloud/gophercloud/v2/testhelper"

	monitoring "github.com/monhook/monhook/openstack/monitoring/v2"
)

// ErrorCase is one Monasca error reply: status and falcon's body.
type ErrorCase struct {
	Name        string
	Status      int
	Title       string
	Description string
}

// Body renders the case as Monasca sends it: {"title":…,"description":…}.
func (e ErrorCase) Body() string {
	return fmt.Sprintf(`{"title":%q,"description":%q}`, e.Title, e.Description)
}

// ForbiddenRole is Monasca's answer to a token without monasca-user
// (reference §1): 401, not 403, titled "Forbidden".
var ForbiddenRole = ErrorCase{
	Name:        "401 Forbidden (missing role)",
	Status:      http.StatusUnauthorized,
	Title:       "Forbidden",
	Description: "The request does not have access to this service",
}

// HandleError makes path answer method requests with the error case.
func HandleError(t *testing.T, fakeServer th.FakeServer, method, path string, e ErrorCase) {
	t.Helper()
	fakeServer.Mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		th.TestMethod(t, r, method)
		th.TestHeader(t, r, "X-Auth-Token", TokenID)
		w.Header().Set("Content-Type", "application/json")
		if e.Status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", "Token")
		}
		w.WriteHeader(e.Status)
		fmt.Fprint(w, e.Body())
	})
}

// AssertError fails unless err is the case's status with its title and
// description intact, and IsForbiddenRole agrees with the case.
func AssertError(t *testing.T, e ErrorCase, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: expected an error, got nil", e.Name)
	}
	if !gophercloud.ResponseCodeIs(err, e.Status) {
		t.Fatalf("%s: expected status %d, got error %v", e.Name, e.Status, err)
	}
	title, desc, ok := monitoring.ErrorBody(err)
	if !ok || title != e.Title || desc != e.Description {
		t.Fatalf("%s: ErrorBody = (%q, %q, %v), want (%q, %q, true)", e.Name, title, desc, ok, e.Title, e.Description)
	}
	wantForbidden := e.Status == http.StatusUnauthorized && e.Title == "Forbidden"
	if got := monitoring.IsForbiddenRole(err); got != wantForbidden {
		t.Fatalf("%s: IsForbiddenRole = %v, want %v", e.Name, got, wantForbidden)
	}
}
