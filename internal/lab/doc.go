// Package lab is monhook's in-process Monasca: Keystone v3 and the Monasca
// v2.0 API on one loopback port, backed by an in-memory store, with the
// threshold engine, the notification engine and simulated agents (part 2)
// plugged in through the model interfaces. It is shaped like
// httptest.Server: New, Start, URL, Close.
//
// The lab answers as monasca-api (with its InfluxDB and MySQL
// repositories), monasca-thresh and monasca-notification do, quirks
// included, and passes the upstream monasca-tempest-plugin API suite
// (`make tempest`). Where it deliberately does otherwise, the reason is
// below.
//
// # Deviations from upstream
//
// Where upstream answers 500 because a request crashes its own code or
// InfluxDB, the lab answers the 4xx that upstream's validation meant:
//
//   - GET /v2.0/alarms/state-history and /alarms/{id}/state-history with an
//     offset that is neither a millisecond id nor a time: 422 naming the
//     offset. Upstream passes it to InfluxDB (500); silently starting again
//     at the first page would make a client loop.
//   - GET /v2.0/metrics/statistics with an offset that is not
//     YYYY-MM-DDTHH:MM:SSZ or <id>_YYYY-MM-DDTHH:MM:SSZ: 422 (upstream:
//     strptime raises, 500). With period=0: 422 "Period must be a positive
//     integer" (upstream's check lets 0 through and InfluxDB refuses
//     time(0s), 500).
//   - GET /v2.0/metrics/dimensions/names/values for a dimension no series
//     has: an empty list (upstream: KeyError on the empty InfluxDB result,
//     500).
//   - limit=0 on the dimension name and value lists: an empty page with no
//     next link (upstream: IndexError building the link, 500).
//   - A query piece without "=" (GET /alarms?foo): kept with an empty value
//     in self and next links (upstream: split('=', 1) raises, 500).
//
// Where the lab keeps a simpler model than InfluxDB's:
//
//   - Grouped measurement pages (group_by) name their groups by series id
//     and resume after the offset's group and point; monasca-api's InfluxDB
//     repository numbers groups from the offset's index and resumes every
//     group after the offset's time. (Statistics pages do as upstream.)
//   - Time ranges on the dimension name and value lists are exact. InfluxDB
//     applies a time filter on tag queries per shard (a day or a week), so
//     upstream may list names and values from just outside the range.
//   - group_by=* on statistics groups by the dimension keys of the
//     tenant's series of that metric. InfluxDB (one database for all
//     tenants) groups by every tag key of the measurement, so keys that
//     only other tenants' series have appear with "" values upstream.
//   - A dimensions filter "k:a|b" matches exactly a or b. The InfluxDB
//     repository builds the regular expression /^a|b$/, which also matches
//     values that merely start with a or end with b, and reads regular
//     expression characters in the values.
package lab
