/*
Package metrics posts measurements to and lists metrics in the OpenStack
Monitoring (Monasca) service.

Example to post one measurement

	err := metrics.Create(ctx, client, metrics.CreateOpts{
		Name:       "monhook.synthetic",
		Dimensions: map[string]string{"run": "abc123"},
		Timestamp:  now.UnixMilli(),
		Value:      1,
	}).ExtractErr()

Example to post a batch (sent as a bare JSON array)

	err := metrics.Create(ctx, client, metrics.BatchCreateOpts{a, b, c}).ExtractErr()

Example to list the metrics with a name and dimensions

	pages, err := metrics.List(client, metrics.ListOpts{
		Name:       "cpu.idle_perc",
		Dimensions: map[string]string{"hostname": "h1"},
	}).AllPages(ctx)
	list, err := metrics.ExtractMetrics(pages)
*/
package metrics
