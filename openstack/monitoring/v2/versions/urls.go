package versions

import "github.com/gophercloud/gophercloud/v2"

// listURL is the endpoint root, above the v2.0 resource base.
func listURL(c *gophercloud.ServiceClient) string { return c.Endpoint }

func getURL(c *gophercloud.ServiceClient, id string) string { return c.Endpoint + id }
