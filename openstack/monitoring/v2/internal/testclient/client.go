// Package testclient builds a monitoring ServiceClient against a gophercloud
// testhelper FakeServer, shaped like the one NewMonitoringV2 returns.
package testclient

import (
	"github.com/gophercloud/gophercloud/v2"
	th "github.com/gophercloud/gophercloud/v2/testhelper"
	"github.com/gophercloud/gophercloud/v2/testhelper/client"
)

// TokenID is the token every request from ServiceClient carries.
const TokenID = client.TokenID

// ServiceClient returns a client whose resources live under <server>/v2.0/,
// as for a catalog endpoint of http://host:8070/v2.0.
func ServiceClient(fakeServer th.FakeServer) *gophercloud.ServiceClient {
	sc := client.ServiceClient(fakeServer)
	sc.Type = "monitoring"
	sc.ResourceBase = sc.Endpoint + "v2.0/"
	return sc
}
