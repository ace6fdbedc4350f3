/*
Package measurements lists measurements in the OpenStack Monitoring (Monasca)
service (GET /v2.0/metrics/measurements): one series per matching metric,
each row [timestamp, value, value_meta].

Example to list the recent measurements of a metric on one host

	pages, err := measurements.List(client, measurements.ListOpts{
		Name:       "cpu.idle_perc",
		Dimensions: map[string]string{"hostname": "h1"},
		StartTime:  now.Add(-10 * time.Minute),
	}).AllPages(ctx)
	series, err := measurements.ExtractSeries(pages)
	for _, s := range series {
		for _, m := range s.Measurements {
			fmt.Println(s.Name, m.Timestamp, m.Value)
		}
	}
*/
package measurements
