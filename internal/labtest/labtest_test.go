package labtest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/labtest"
	"github.com/monhook/monhook/openstack"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarmdefinitions"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
)

func TestConnectLogsInAsALabUserAndReachesMonasca(t *testing.T) {
	l := labtest.Start(t, lab.Options{Hosts: -1})
	for _, name := range []string{"labuser", "labreader"} {
		s, err := labtest.Connect(context.Background(), l, labtest.User(t, l, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s.ProjectID == "" {
			t.Errorf("%s: no project id", name)
		}
		if _, err := notificationmethods.ListTypes(s.Monitoring).AllPages(context.Background()); err != nil {
			t.Errorf("%s: listing notification method types with the token: %v", name, err)
		}
	}
	u := l.Credentials()
	u.Password += "x"
	if _, err := labtest.Connect(context.Background(), l, u); err == nil {
		t.Error("a wrong password logged in")
	}
}

// FailDeletes answers 500 to the DELETEs it is told to and passes
// everything else to the lab.
func TestFailDeletesFailsOnlyTheMatchingDeletes(t *testing.T) {
	l := labtest.Start(t, lab.Options{Hosts: -1})
	ctx := context.Background()
	s, err := labtest.Connect(ctx, l, l.Credentials())
	if err != nil {
		t.Fatal(err)
	}
	api := labtest.FailDeletes(t, s.Monitoring.ResourceBaseURL(), func(r *http.Request) bool {
		return strings.Contains(r.URL.Path, "/notification-methods/")
	})
	c := openstack.NewMonitoringV2FromURL(s.Monitoring.ProviderClient, api)
	m, err := notificationmethods.Create(ctx, c, notificationmethods.CreateOpts{Name: "hook", Type: "WEBHOOK", Address: "http://127.0.0.1:1/x"}).Extract()
	if err != nil {
		t.Fatalf("a create through the proxy: %v", err)
	}
	if err := notificationmethods.Delete(ctx, c, m.ID).ExtractErr(); !gophercloud.ResponseCodeIs(err, http.StatusInternalServerError) {
		t.Errorf("a matching DELETE = %v, want the injected 500", err)
	}
	if err := alarmdefinitions.Delete(ctx, c, "no-such-definition").ExtractErr(); !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Errorf("another DELETE = %v, want the lab's own 404", err)
	}
	if err := notificationmethods.Delete(ctx, s.Monitoring, m.ID).ExtractErr(); err != nil {
		t.Errorf("the method was not there to delete directly: %v", err)
	}
}
