package alarms

import "github.com/gophercloud/gophercloud/v2"

const resourcePath = "alarms"

func rootURL(c *gophercloud.ServiceClient) string { return c.ServiceURL(resourcePath) }

func resourceURL(c *gophercloud.ServiceClient, id string) string {
	return c.ServiceURL(resourcePath, id)
}

func stateHistoryURL(c *gophercloud.ServiceClient, id string) string {
	return c.ServiceURL(resourcePath, id, "state-history")
}
