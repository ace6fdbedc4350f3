package metrics

import "github.com/gophercloud/gophercloud/v2"

func rootURL(c *gophercloud.ServiceClient) string { return c.ServiceURL("metrics") }
