// Package features tells what a Monasca v2.0 API can do from what it shows,
// never from a version string (an operator rarely knows the release, and a
// distribution's version numbers are its own).
//
// Newton (2016) added, together, the notification types endpoint
// (GET /v2.0/notification-methods/types), the notification method's period,
// PATCH on notification methods, the deterministic argument and the last
// function of alarm expressions, in both the Python and the Java API. Before
// it, the types were fixed (EMAIL, WEBHOOK, PAGERDUTY), a period in a create
// request is refused (Python: 400 "extra keys not allowed @
// data['period']"; Java: 422 "Unrecognized field \"period\""), PATCH is 405 and
// the expression parser rejects deterministic and last.
//
// Detect reads the first: a 404 on the types endpoint from an endpoint that
// otherwise answers as Monasca v2.0 (GET /v2.0/notification-methods works)
// is a pre-Newton API, and the other features, which came in the same
// release, are taken as missing with it. The API's flavor (python or java)
// shows in the shape of its error bodies (monitoring.ParseAnswer); Observe
// records it from any error answer, such as the write probe's.
//
// Example:
//
//	api, err := features.Detect(ctx, client)
//	if err != nil {
//		panic(err)
//	}
//	if err := api.Require(features.Period, "scenario periodic re-sends"); err != nil {
//		panic(err) // a *features.MissingError naming period and Newton
//	}
//	m, err := features.CreateMethod(ctx, client, &api, notificationmethods.CreateOpts{
//		Name: "m", Type: "WEBHOOK", Address: "https://example.com/hook",
//	}, 0)
package features
