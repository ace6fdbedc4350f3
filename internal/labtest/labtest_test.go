package labtest_test

import (
	"context"
	"testing"

	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/labtest"
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
