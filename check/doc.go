// Package check runs one scenario against a Monasca endpoint, stage by
// stage (DESIGN.md, "The check, stage by stage"): auth, preflight,
// receiver, notification method, alarm definition, trigger, alarm,
// delivery and teardown, and returns a report.Report. It always tears down
// what it created, whether the run passes, fails, times out or is
// cancelled, unless told to keep it.
//
// The receiver stage POSTs a probe to the callback URL before anything is
// created (unless Runner.SkipCallbackTest). The alarm and delivery stages
// run side by side from the trigger: the delivery is the proof, its alarm
// id verified with GET /v2.0/alarms/{id}, and the alarm poll a diagnostic.
// With Receiver.ForwardTo each delivery is relayed to the operator's
// consumer, a "consumer" stage follows delivery, and a pass needs the
// consumer's 2xx too.
//
// A Runner is the whole API: give it a scaled scenarios.Scenario and a
// Connect func that yields a Target (an authenticated monitoring client and
// its project). `monhook check` builds one per run; `monhook serve` reuses
// it. The scenario language lives in package scenarios, the names and
// markers of the created resources in package marker, the exit status in
// package exitcode.
package check
