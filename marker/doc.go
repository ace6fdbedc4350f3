// Package marker is how monhook recognises its own resources in Monasca:
// the run id (NewRunID), the names and descriptions that carry it
// (ResourceName, Description, MethodName), the exact parsers that find them
// again (ParseMarker, ParseMethodMarker), and the one delete-by-kind that
// both the check's teardown and `monhook cleanup` use (Delete, where a 404
// counts as deleted).
//
// The marker keeps parallel runs in one project apart (Monasca refuses a
// duplicate name per tenant) and lets cleanup find leftovers after a crash
// without ever touching anything a person made.
package marker
