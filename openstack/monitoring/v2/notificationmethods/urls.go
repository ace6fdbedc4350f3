package notificationmethods

import "github.com/gophercloud/gophercloud/v2"

const resourcePath = "notification-methods"

func rootURL(c *gophercloud.ServiceClient) string { return c.ServiceURL(resourcePath) }

func resourceURL(c *gophercloud.ServiceClient, id string) string {
	return c.ServiceURL(resourcePath, id)
}

func typesURL(c *gophercloud.ServiceClient) string { return c.ServiceURL(resourcePath, "types") }
