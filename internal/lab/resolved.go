package lab

import (
	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/openstack"
)

// Resolved is what monhook resolves for user u of the lab, as for any cloud:
// password login through the lab's Keystone, scoped to u's project, the
// public monitoring endpoint of the lab's region. `check --lab` and the
// tests that log in to a lab both start from it.
func (l *Lab) Resolved(u User) openstack.Resolved {
	return openstack.Resolved{
		AuthOptions: gophercloud.AuthOptions{
			IdentityEndpoint: l.AuthURL(),
			Username:         u.Name,
			Password:         u.Password,
			DomainName:       u.UserDomain,
			Scope:            &gophercloud.AuthScope{ProjectName: u.Project, DomainName: u.ProjectDomain},
			AllowReauth:      true,
		},
		EndpointOpts: gophercloud.EndpointOpts{Region: l.Region(), Availability: gophercloud.AvailabilityPublic},
		Source:       "the built-in lab",
	}
}
