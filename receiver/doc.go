// Package receiver is the embedded webhook receiver that turns "Monasca says
// it sent something" into proof. It is shaped like net/http/httptest.Server:
// New, Start, CallbackURL, Close; plus what a check needs on top of that:
//
//   - an unguessable per-run token in the callback path, so requests to any
//     other path are recorded as strays, never as deliveries;
//   - every delivery recorded with its headers (secrets redacted), raw body,
//     the parsed Monasca notification and findings where the body departs
//     from Monasca's shape (see Validate);
//   - an event-driven Await that also considers deliveries that already
//     arrived;
//   - scripted answers (status, fail the first N, delay) to exercise the
//     sender's retry path;
//   - TLS, with a warning for self-signed certificates and a record of failed
//     handshakes, because Monasca's webhook sender cannot skip verification.
//
// Memory is bounded: bodies are read through http.MaxBytesReader and the
// in-memory history keeps the last Options.History deliveries. Use
// Options.OnDelivery (for instance with receiver/jsonl) for a full record.
package receiver
