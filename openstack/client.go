package openstack

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	tokens3 "github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
)

// ServiceType is Monasca's type in the Keystone catalog.
const ServiceType = "monitoring"

const apiVersion = "v2.0/"

// NewMonitoringV2 finds the monitoring endpoint in the provider's catalog
// (eo.Region, eo.Availability; public by default) and returns a client for
// the v2.0 API. The catalog URL may or may not end in /v2.0 and may carry a
// path prefix (http://host/metrics/v2.0): Endpoint is the API root (where
// the version list lives) and ResourceBase is root + "v2.0/".
//
// eo.Version stays 0: a non-zero version makes gophercloud run version
// discovery, which cannot parse Monasca's {"links","elements"} document.
//
// A missing endpoint returns *Error of KindEndpoint naming region and interface.
func NewMonitoringV2(pc *gophercloud.ProviderClient, eo gophercloud.EndpointOpts) (*gophercloud.ServiceClient, error) {
	eo.ApplyDefaults(ServiceType)
	if pc == nil || pc.EndpointLocator == nil {
		return nil, errors.New("NewMonitoringV2: the provider client is not authenticated (no service catalog)")
	}
	url, err := locateEndpoint(pc, eo)
	if err != nil {
		var notFound *gophercloud.ErrEndpointNotFound
		if !errors.As(err, &notFound) {
			return nil, err
		}
		e := endpointError(eo, err).(*Error)
		if avail := catalogEndpoints(pc, eo.Type); len(avail) > 0 {
			e.Message += "; the catalog has it at: " + strings.Join(avail, ", ")
		} else {
			e.Message += "; the catalog has no '" + eo.Type + "' service at all (is Monasca registered in Keystone?)"
		}
		return nil, e
	}
	return NewMonitoringV2FromURL(pc, url), nil
}

// locateEndpoint is the single call to the catalog. gophercloud's main
// branch adds a context to EndpointLocator; only this line changes then.
func locateEndpoint(pc *gophercloud.ProviderClient, eo gophercloud.EndpointOpts) (string, error) {
	return pc.EndpointLocator(eo)
}

// NewMonitoringV2FromURL returns a client for a known Monasca URL
// (--monasca-api-url, a lab), skipping the catalog. The URL is handled like a
// catalog URL: with or without /v2.0, with or without a path prefix.
func NewMonitoringV2FromURL(pc *gophercloud.ProviderClient, url string) *gophercloud.ServiceClient {
	root := gophercloud.NormalizeURL(strings.TrimSpace(url))
	root = strings.TrimSuffix(root, apiVersion)
	return &gophercloud.ServiceClient{
		ProviderClient: pc,
		Endpoint:       root,
		ResourceBase:   root + apiVersion,
		Type:           ServiceType,
	}
}

// catalogEndpoints lists "region/interface" of every endpoint of the type in
// the token's catalog, so a region or interface mismatch shows the fix.
func catalogEndpoints(pc *gophercloud.ProviderClient, typ string) []string {
	var catalog *tokens3.ServiceCatalog
	var err error
	switch r := pc.GetAuthResult().(type) {
	case tokens3.CreateResult:
		catalog, err = r.ExtractServiceCatalog()
	case tokens3.GetResult:
		catalog, err = r.ExtractServiceCatalog()
	default:
		return nil
	}
	if err != nil || catalog == nil {
		return nil
	}
	var out []string
	for _, entry := range catalog.Entries {
		if entry.Type != typ {
			continue
		}
		for _, ep := range entry.Endpoints {
			region := ep.Region
			if region == "" {
				region = ep.RegionID
			}
			out = append(out, fmt.Sprintf("region %s/interface %s", region, ep.Interface))
		}
	}
	return out
}
