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

// The Java API's bodies (resource/exception/Exceptions.java, ErrorMessage.java
// at queens-eol) are read in the same place as falcon's.
func TestParseAnswerReadsBothFlavors(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       monitoring.Answer
		ok         bool
	}{
		{"falcon", `{"title":"Unprocessable Entity","description":"extra keys not allowed @ data['period']"}`,
			monitoring.Answer{Flavor: monitoring.FlavorPython, Title: "Unprocessable Entity", Message: "extra keys not allowed @ data['period']"}, true},
		{"java with details", `{"unprocessable_entity":{"code":422,"message":"Unable to process the provided JSON","details":"Unrecognized field \"period\"","internal_code":"5d2f0c1a9b"}}`,
			monitoring.Answer{Flavor: monitoring.FlavorJava, Title: "Unprocessable Entity", Message: `Unable to process the provided JSON: Unrecognized field "period"`, Fault: "unprocessable_entity"}, true},
		{"java without details", `{"not_found":{"code":404,"message":"No notification method exists for abc","details":"","internal_code":"1"}}`,
			monitoring.Answer{Flavor: monitoring.FlavorJava, Title: "Not Found", Message: "No notification method exists for abc", Fault: "not_found"}, true},
		{"keystonemiddleware", `{"error":{"code":401,"title":"Unauthorized","message":"The request you have made requires authentication."}}`,
			monitoring.Answer{Title: "Unauthorized", Message: "The request you have made requires authentication."}, true},
		{"an unknown single key is not a Java fault", `{"teapot":{"code":418,"message":"short and stout"}}`, monitoring.Answer{}, false},
		{"empty", ``, monitoring.Answer{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := monitoring.ParseAnswer([]byte(tc.body))
			if got != tc.want || ok != tc.ok {
				t.Errorf("ParseAnswer = %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// PostAuthenticationFilter answers 401 to both a refused role and a bad
// token; only the first is the role refusal.
func TestIsForbiddenRoleReadsTheJavaRefusal(t *testing.T) {
	java := func(status int, msg string) error {
		return gophercloud.ErrUnexpectedResponseCode{Actual: status, Body: []byte(fmt.Sprintf(
			`{"unauthorized":{"code":%d,"message":%q,"details":"","internal_code":"7f3a"}}`, status, msg))}
	}
	if !monitoring.IsForbiddenRole(java(401, "Tenant is missing a required role to access this service")) {
		t.Error("the Java role refusal is not recognised")
	}
	if monitoring.IsForbiddenRole(java(401, "Failed to authenticate request for 8d9c")) {
		t.Error("the Java bad-token 401 is taken for a role refusal")
	}
	if monitoring.IsForbiddenRole(java(403, "Tenant is missing a required role to access this service")) {
		t.Error("a 403 is taken for Monasca's 401 role refusal")
	}
}
