package openstack_test

import (
	"testing"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/openstack"
)

func TestNewMonitoringV2FromURLHandlesEveryURLShape(t *testing.T) {
	for _, tc := range []struct{ in, endpoint, metrics string }{
		{"http://mon:8070/v2.0", "http://mon:8070/", "http://mon:8070/v2.0/metrics"},
		{"http://mon:8070/v2.0/", "http://mon:8070/", "http://mon:8070/v2.0/metrics"},
		{"http://mon:8070", "http://mon:8070/", "http://mon:8070/v2.0/metrics"},
		{"https://api.example/metrics/v2.0", "https://api.example/metrics/", "https://api.example/metrics/v2.0/metrics"},
		{" https://api.example/metrics ", "https://api.example/metrics/", "https://api.example/metrics/v2.0/metrics"},
	} {
		sc := openstack.NewMonitoringV2FromURL(&gophercloud.ProviderClient{}, tc.in)
		if sc.Endpoint != tc.endpoint || sc.ServiceURL("metrics") != tc.metrics || sc.Type != "monitoring" {
			t.Errorf("%q: Endpoint %q, metrics URL %q, type %q; want %q, %q", tc.in, sc.Endpoint, sc.ServiceURL("metrics"), sc.Type, tc.endpoint, tc.metrics)
		}
	}
}

func TestNewMonitoringV2RejectsAnUnauthenticatedProvider(t *testing.T) {
	if _, err := openstack.NewMonitoringV2(&gophercloud.ProviderClient{}, gophercloud.EndpointOpts{}); err == nil {
		t.Fatal("want an error for a provider without a catalog")
	}
}
