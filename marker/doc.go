// Package marker is how monhook recognises its own resources in Monasca:
// the run id (NewRunID), the names and descriptions that carry it
// (ResourceName, Description, MethodName), the exact parsers that find them
// again (ParseMarker, ParseMethodMarker), the one listing of leftovers that
// `monhook cleanup` and `monhook serve`'s start-up sweep use (Find, by run,
// instance and age), and the one delete-by-kind that the check's teardown,
// cleanup, the sweep and `listen --register`'s undo use (Delete, where a
// 404 counts as deleted).
//
// The marker keeps parallel runs in one project apart (Monasca refuses a
// duplicate name per tenant) and lets cleanup find leftovers after a crash
// without ever touching anything a person made.
package marker
