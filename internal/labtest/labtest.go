// Package labtest starts the in-process lab (package internal/lab) for a
// test, logs in to it and puts faults in front of its API, as httptest does
// for an http.Handler: one copy of what every package's tests against the
// lab need.
package labtest

import (
	"context"
	"testing"

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

// Connect logs in to lab l as user u (l.Credentials() is the seeded
// monasca-user).
func Connect(ctx context.Context, l *lab.Lab, u lab.User) (*openstack.Session, error) {
	return openstack.ConnectResolved(ctx, l.Resolved(u), nil, "monhook-test")
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
