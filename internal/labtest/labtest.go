// Package labtest starts the in-process lab (package internal/lab) for a
// test, logs in to it and puts faults in front of its API, as httptest does
// for an http.Handler: one copy of what every package's tests against the
// lab need.
package labtest

import (
	"context"
	"testing"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/openstack"
)

// Start starts a lab with opts; it is closed when the test ends.
func Start(t testing.TB, opts lab.Options) *lab.Lab {
	t.Helper()
	l := lab.New(opts)
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// Resolved is what monhook resolves for user u of lab l: password login
// through the lab's Keystone, scoped to the user's project, in the lab's
// region, as against any cloud.
func Resolved(l *lab.Lab, u lab.User) openstack.Resolved {
	return openstack.Resolved{
		AuthOptions: gophercloud.AuthOptions{
			IdentityEndpoint: l.AuthURL(), Username: u.Name, Password: u.Password, DomainName: u.UserDomain,
			Scope:       &gophercloud.AuthScope{ProjectName: u.Project, DomainName: u.ProjectDomain},
			AllowReauth: true,
		},
		EndpointOpts: gophercloud.EndpointOpts{Region: l.Region()},
	}
}

// Connect logs in to lab l as user u (l.Credentials() is the seeded
// monasca-user).
func Connect(ctx context.Context, l *lab.Lab, u lab.User) (*openstack.Session, error) {
	return openstack.ConnectResolved(ctx, Resolved(l, u), nil, "monhook-test")
}

// User returns lab l's seeded user by name, failing the test when there is
// none.
func User(t testing.TB, l *lab.Lab, name string) lab.User {
	t.Helper()
	u, ok := l.User(name)
	if !ok {
		t.Fatalf("no lab user %q", name)
	}
	return u
}
