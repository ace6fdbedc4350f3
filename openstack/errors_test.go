package openstack_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"syscall"
	"testing"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/openstack"
)

func TestExplain(t *testing.T) {
	monasca404 := gophercloud.ErrUnexpectedResponseCode{Method: "GET", URL: "http://mon/v2.0/alarm-definitions/x",
		Expected: []int{200}, Actual: 404, Body: []byte(`{"title":"Not Found","description":"No alarm definition with id x"}`)}
	forbidden := gophercloud.ErrUnexpectedResponseCode{Method: "POST", URL: "http://mon/v2.0/notification-methods",
		Expected: []int{201}, Actual: 401, Body: []byte(`{"title":"Forbidden","description":"The request does not have access to this service"}`)}
	unauthorized := gophercloud.ErrUnexpectedResponseCode{Method: "GET", URL: "http://mon/v2.0/alarms",
		Expected: []int{200}, Actual: 401, Body: []byte(`{"error":{"code":401,"title":"Unauthorized","message":"The request you have made requires authentication."}}`)}
	keystone := gophercloud.ErrUnexpectedResponseCode{Method: "POST", URL: "http://ks/v3/auth/tokens",
		Expected: []int{201}, Actual: 401, Body: []byte(`{"error":{"code":401}}`)}

	for _, tc := range []struct {
		name     string
		err      error
		kind     openstack.ErrorKind
		contains []string
	}{
		{"missing endpoint", &gophercloud.ErrEndpointNotFound{}, openstack.KindEndpoint, []string{"'monitoring' endpoint"}},
		{"Monasca 404 keeps title and description", monasca404, openstack.KindAPI, []string{"404", "Not Found: No alarm definition with id x"}},
		{"401 Forbidden is the missing role", forbidden, openstack.KindForbidden, []string{"monasca-user", "401 Forbidden"}},
		{"401 Forbidden after re-auth", &gophercloud.ErrErrorAfterReauthentication{ErrOriginal: forbidden}, openstack.KindForbidden, []string{"monasca-user"}},
		{"401 Unauthorized from Monasca after re-auth", &gophercloud.ErrErrorAfterReauthentication{ErrOriginal: unauthorized}, openstack.KindAuth, []string{"Monasca rejected the token"}},
		{"Keystone 401", keystone, openstack.KindAuth, []string{"Keystone rejected the credentials (401)"}},
		{"re-auth refused by Keystone", &gophercloud.ErrUnableToReauthenticate{ErrOriginal: unauthorized, ErrReauth: keystone}, openstack.KindAuth,
			[]string{"re-authentication failed", "Keystone rejected"}},
		{"connection refused", &url.Error{Op: "Post", URL: "http://ks:5000/v3/auth/tokens", Err: fmt.Errorf("dial: %w", syscall.ECONNREFUSED)},
			openstack.KindUnreachable, []string{"http://ks:5000/v3/auth/tokens", "connection refused"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := openstack.Explain(tc.err)
			var e *openstack.Error
			if !errors.As(got, &e) {
				t.Fatalf("Explain = %v (%T), want *openstack.Error", got, got)
			}
			if e.Kind != tc.kind {
				t.Errorf("Kind = %v, want %v", e.Kind, tc.kind)
			}
			for _, c := range tc.contains {
				if !strings.Contains(e.Error(), c) {
					t.Errorf("message %q lacks %q", e.Error(), c)
				}
			}
			if !errors.Is(got, tc.err) && errors.Unwrap(got) == nil {
				t.Errorf("the original error is not kept")
			}
		})
	}
}

func TestExplainLeavesOtherErrorsAlone(t *testing.T) {
	plain := errors.New("boom")
	for _, err := range []error{nil, context.Canceled, fmt.Errorf("wrapped: %w", context.DeadlineExceeded), plain} {
		if got := openstack.Explain(err); got != err {
			t.Errorf("Explain(%v) = %v, want it unchanged", err, got)
		}
	}
	already := &openstack.Error{Kind: openstack.KindTLS, Message: "x"}
	if got := openstack.Explain(already); got != already {
		t.Errorf("an *Error must pass through unchanged")
	}
}
