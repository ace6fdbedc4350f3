// Package lab is monhook's in-process Monasca: Keystone v3 and the Monasca
// v2.0 API on one loopback port, backed by an in-memory store, with the
// threshold engine, the notification engine and simulated agents (part 2)
// plugged in through the model interfaces. It is shaped like
// httptest.Server: New, Start, URL, Close.
//
// # Request bodies
//
// The API accepts and refuses request bodies as monasca-api and
// monasca-common do (api/testdata/upstream_bodies.jsonl records upstream's
// answers and the API's tests replay them): bodies are read as falcon's
// json.loads reads them (NaN and Infinity, integers of any size, JSON
// booleans being ints), the voluptuous schemas' rules and messages apply,
// lengths count characters, notification periods go through Python's int(),
// webhook addresses through CPython's urllib.parse.urlsplit, value_meta is
// measured on simplejson.dumps text, and alarm definitions and alarms
// negotiate the Content-Type as falcon's media handlers do.
//
// # Deliberate deviations
//
// Where upstream answers 500 because its own code crashes on a body, the
// lab answers the 4xx its validation meant:
//
//   - A lone UTF-16 surrogate escape ("\ud800" without its pair) in any
//     body: json.loads accepts it and Monasca fails later, where the text
//     is encoded for the database or Kafka. The lab answers 400 "Request
//     body is not valid JSON" (a Go string cannot hold the character).
//   - PATCH /notification-methods/{id} with a body that is not a JSON
//     object: upstream assigns the stored fields into it before validating
//     and crashes; the lab answers 400 "expected a dictionary", the schema's
//     verdict.
//   - PATCH /alarm-definitions/{id} runs no schema upstream. A string or
//     list body naming a key that is read outside a try block (description,
//     the action lists, match_by, severity) crashes with a TypeError; the
//     lab answers 422 with that TypeError's text, as upstream does for name,
//     expression and actions_enabled. A value of the wrong type reaches the
//     repository upstream, which crashes or lets the database coerce it; the
//     lab refuses it with 422 and the schema's message, and a severity that
//     is not a string with 422 "Invalid severity".
//   - PUT or PATCH /alarm-definitions/{id} with an empty expression skips
//     the parser upstream and stores the empty expression, then fails (500)
//     building the answer; the lab answers 422 "Invalid alarm expression".
//   - PUT and PATCH /alarms/{id} do not catch their schema's error
//     upstream (a state other than exactly OK, ALARM or UNDETERMINED, a
//     lifecycle_state over 50 characters, a link over 512, a body that is not
//     an object), which so becomes a 500; the lab answers 422 with the
//     schema's text.
//   - POST /metrics with a timestamp that names no instant (NaN, ±Infinity,
//     1e400, or beyond the years 1 to 9999): upstream's check is on the
//     type only, so validation passes; its Kafka encoder (simplejson 3.19.1
//     and later refuses non-finite floats) then answers 500, and no
//     persister could store the point. The lab answers 204 and stores
//     nothing for that metric.
//   - A threshold too large for a float (a few hundred digits) is refused
//     with 422 "Invalid alarm expression"; upstream keeps it as infinity and
//     fails storing it.
//
// Other differences, each for a reason:
//
//   - A dimension repeated in an alarm expression ("{k=a,k=b}") keeps its
//     last value, as the alarm-definition-created event upstream sends to
//     the threshold engine (a dict) does; the API's own list keeps both.
//   - The Content-Type of an alarm-definition or alarm body is resolved as
//     falcon 4 resolves it (JSON, multipart form, URL-encoded form; on a
//     tie the first; falcon 3 let the last win and had a MessagePack
//     handler). A URL-encoded form is decoded as falcon does; a multipart
//     body is refused with 400, where falcon would hand the schema a form
//     object it then refuses with 422 "expected a dictionary".
//   - JSON nested deeper than 9990 levels is refused with 400, about where
//     CPython 3.13's json.loads gives up; older CPython releases give up
//     sooner (3.12 near 1500, 3.11 near 1000).
//   - The text of a 422 "Invalid alarm expression" is pyparsing 3.3's
//     (expr/testdata/upstream_expressions.jsonl); pyparsing 3.0 words every
//     syntax error "Expected {'OR' | '||'} term". Acceptance and the column
//     are the same under both.
//   - Names are compared exactly; MySQL's default collation, which a real
//     deployment compares them under, ignores case and trailing spaces.
package lab
