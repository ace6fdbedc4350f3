/*
Package alarmdefinitions manages and retrieves alarm definitions in the
OpenStack Monitoring (Monasca) service: the threshold expressions from which
monasca-thresh creates alarms, and the notification methods each state
change triggers.

Example to Create an alarm definition

	def, err := alarmdefinitions.Create(ctx, client, alarmdefinitions.CreateOpts{
		Name:         "monhook-abc123-def",
		Expression:   "max(cpu.idle_perc{hostname=h1}) > 0",
		Severity:     "LOW",
		MatchBy:      []string{"hostname"},
		AlarmActions: []string{notificationMethodID},
	}).Extract()

Example to List alarm definitions by name and dimensions

	pages, err := alarmdefinitions.List(client, alarmdefinitions.ListOpts{
		Name:       "monhook-abc123-def",
		Dimensions: map[string]string{"hostname": "h1"},
	}).AllPages(ctx)
	defs, err := alarmdefinitions.ExtractAlarmDefinitions(pages)

Example to Delete an alarm definition (its alarms go with it)

	err := alarmdefinitions.Delete(ctx, client, id).ExtractErr()
*/
package alarmdefinitions
