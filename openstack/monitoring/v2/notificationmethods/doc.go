/*
Package notificationmethods manages and retrieves notification methods in the
OpenStack Monitoring (Monasca) service: where Monasca sends alarm
notifications (EMAIL, PAGERDUTY, WEBHOOK, …).

Example to Create a WEBHOOK notification method

	period := 0
	nm, err := notificationmethods.Create(ctx, client, notificationmethods.CreateOpts{
		Name:    "monhook-abc123-hook",
		Type:    "WEBHOOK",
		Address: "http://10.0.0.5:8080/hook/abc123",
		Period:  &period,
	}).Extract()

Example to List notification methods

	pages, err := notificationmethods.List(client, notificationmethods.ListOpts{Limit: 50}).AllPages(ctx)
	if err != nil {
		panic(err)
	}
	methods, err := notificationmethods.ExtractNotificationMethods(pages)

Example to List the registered notification types

	pages, err := notificationmethods.ListTypes(client).AllPages(ctx)
	types, err := notificationmethods.ExtractTypes(pages) // e.g. ["EMAIL","PAGERDUTY","WEBHOOK"]

Example to Delete a notification method

	err := notificationmethods.Delete(ctx, client, id).ExtractErr()
*/
package notificationmethods
