/*
Package versions reads the API version documents of the OpenStack Monitoring
(Monasca) service. Both need a valid token: Monasca's auth middleware only
skips /version and /healthcheck.

Example to list versions (GET on the endpoint root)

	pages, err := versions.List(client).AllPages(ctx)
	all, err := versions.ExtractVersions(pages)

Example to get v2.0 (a cheap authenticated reachability probe)

	v, err := versions.Get(ctx, client, "v2.0").Extract()
*/
package versions
