// Package monitoring holds what every Monasca (OpenStack "monitoring", API
// v2.0) resource package shares: reading Monasca's error bodies.
//
// The resources themselves live in the sub-packages versions,
// notificationmethods, alarmdefinitions, alarms, metrics and measurements,
// written in gophercloud's style. Build the ServiceClient they take with
// openstack.NewMonitoringV2 (from the catalog) or
// openstack.NewMonitoringV2FromURL.
package monitoring
