/*
Package alarms retrieves and changes alarms in the OpenStack Monitoring
(Monasca) service. Alarms are never created through the API: monasca-thresh
creates them from measurements that match an alarm definition.

Example to List the alarms of one alarm definition

	pages, err := alarms.List(client, alarms.ListOpts{AlarmDefinitionID: defID}).AllPages(ctx)
	list, err := alarms.ExtractAlarms(pages)

Example to force an alarm into ALARM (sends the same notifications as a real transition)

	state := "ALARM"
	alarm, err := alarms.Patch(ctx, client, id, alarms.PatchOpts{State: &state}).Extract()

Example to read an alarm's state history

	pages, err := alarms.ListStateHistory(client, id, alarms.StateHistoryOpts{}).AllPages(ctx)
	history, err := alarms.ExtractStateHistory(pages)
*/
package alarms
