package monitoring_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/gophercloud/gophercloud/v2"

	monitoring "github.com/monhook/monhook/openstack/monitoring/v2"
)

func TestErrorBody(t *testing.T) {
	for _, tc := range []struct {
		name          string
		err           error
		title, desc   string
		ok, forbidden bool
	}{
		{"falcon body", gophercloud.ErrUnexpectedResponseCode{Actual: 409, Body: []byte(`{"title":"Conflict","description":"taken"}`)},
			"Conflict", "taken", true, false},
		{"missing role", fmt.Errorf("wrapped: %w", gophercloud.ErrUnexpectedResponseCode{Actual: 401, Body: []byte(`{"title":"Forbidden","description":"The request does not have access to this service"}`)}),
			"Forbidden", "The request does not have access to this service", true, true},
		{"keystonemiddleware body", gophercloud.ErrUnexpectedResponseCode{Actual: 401, Body: []byte(`{"error":{"code":401,"title":"Unauthorized","message":"The request you have made requires authentication."}}`)},
			"Unauthorized", "The request you have made requires authentication.", true, false},
		{"403 titled Forbidden is not Monasca's role answer", gophercloud.ErrUnexpectedResponseCode{Actual: 403, Body: []byte(`{"title":"Forbidden"}`)},
			"Forbidden", "", true, false},
		{"not JSON", gophercloud.ErrUnexpectedResponseCode{Actual: 502, Body: []byte(`<html>bad gateway</html>`)}, "", "", false, false},
		{"no response", errors.New("dial tcp: refused"), "", "", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			title, desc, ok := monitoring.ErrorBody(tc.err)
			if title != tc.title || desc != tc.desc || ok != tc.ok {
				t.Errorf("ErrorBody = (%q, %q, %v), want (%q, %q, %v)", title, desc, ok, tc.title, tc.desc, tc.ok)
			}
			if got := monitoring.IsForbiddenRole(tc.err); got != tc.forbidden {
				t.Errorf("IsForbiddenRole = %v, want %v", got, tc.forbidden)
			}
		})
	}
}
