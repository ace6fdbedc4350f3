// Package openstack connects monhook to an OpenStack cloud: it resolves
// credentials the way OpenStack users expect (flags, then OS_* environment
// variables including the domain variables of a standard openrc, then
// clouds.yaml and secure.yaml), authenticates against Keystone v3 with
// re-authentication on token expiry, finds the Monasca ("monitoring")
// endpoint, optionally traces HTTP with secrets redacted, and turns failures
// into errors a user can act on.
//
// It knows nothing of cobra, viper or printing; the Monasca resources are in
// openstack/monitoring/v2/....
package openstack
