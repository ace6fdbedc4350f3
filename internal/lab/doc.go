// Package lab is monhook's in-process Monasca: Keystone v3 and the Monasca
// v2.0 API on one loopback port, backed by an in-memory store, with the
// threshold engine, the notification engine and simulated agents (part 2)
// plugged in through the model interfaces. It is shaped like
// httptest.Server: New, Start, URL, Close.
//
// The lab answers as monasca-api (with its InfluxDB and MySQL repositories),
// monasca-thresh and monasca-notification do, quirks included, and passes
// the upstream monasca-tempest-plugin API suite (`make tempest`).
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
// Where upstream answers 500 because its own code (or InfluxDB) fails on a
// request, the lab answers the 4xx its validation meant:
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
//   - GET /v2.0/alarms/state-history and /alarms/{id}/state-history with an
//     offset that is neither a millisecond id nor a time: 422 naming the
//     offset. Upstream passes it to InfluxDB (500); silently starting again
//     at the first page would make a client loop.
//   - GET /v2.0/metrics with an offset that is not an integer, and
//     GET /v2.0/metrics/measurements (ungrouped) with an offset whose id
//     is not an integer or whose time is neither milliseconds nor a
//     timestamp: 422 naming the offset (upstream: int() raises in the
//     repository, or InfluxDB refuses the query, 500).
//   - GET /v2.0/metrics/statistics with an offset that is not
//     YYYY-MM-DDTHH:MM:SSZ or <id>_YYYY-MM-DDTHH:MM:SSZ: 422 (upstream:
//     strptime raises, 500). With period=0: 422 "Period must be a positive
//     integer" (upstream's check lets 0 through and InfluxDB refuses
//     time(0s), 500).
//   - GET /v2.0/metrics/dimensions/names/values for a dimension no series
//     has: an empty list (upstream: KeyError on the empty InfluxDB result,
//     500).
//   - limit=0 on the metric name list and the dimension name and value
//     lists: an empty page with no next link (upstream: IndexError building
//     the link, 500).
//   - A query parameter given twice, which falcon's parse_query_string
//     turns into a list, where upstream's handler then calls a string
//     method on it (state, severity and group_by of /alarms and
//     /alarms/count: AttributeError, 500) or hands the list on as the
//     project (tenant_id of a delegate): the lab reads the first value, as
//     helpers.get_query_param does.
//   - A query piece without "=" (GET /alarms?foo): kept with an empty value
//     in self and next links (upstream: split('=', 1) raises, 500).
//   - A method that monasca-api's resource class has but not for that
//     route (PUT, PATCH or DELETE on /alarms and /notification-methods,
//     POST on /alarm-definitions/{id} and /notification-methods/{id}):
//     falcon calls the responder with a missing or an extra URI field, a
//     TypeError that upstream answers with 500 "Service unavailable"; the
//     lab answers 405 with the Allow header falcon gives that route.
//
// Other differences, each for a reason:
//
//   - Response bodies are compact JSON with object keys in sorted order
//     and a final newline; upstream writes json.dumps text (", " and ": "
//     separators, keys in the order the handler built them, no newline).
//     A client that parses JSON sees the same values. Numbers are written
//     as upstream writes them: a whole measurement or statistic as 1
//     (InfluxDB's Go encoder drops the ".0" before monasca-api reads it), a
//     state-history threshold or current value as 1.0.
//   - Query strings are read as falcon 4's parse_query_string reads them
//     (csv=False: a comma is part of the value, a blank value is dropped).
//     Under falcon 3 an unencoded comma made a list, which changes only
//     error texts ("name=a,b" is refused by type rather than for its
//     comma); dimensions, statistics and group_by are split at commas by
//     monasca-api either way.
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
//
// # Release profiles
//
// Options.Profile (monhook lab --release NAME --api python|java) makes the
// lab answer as an older Monasca. The default, latest, is the last upstream
// code and everything above. A profile changes only what that release did
// differently on the wire; package profile decides each difference in one
// place. Sources are named repository:path@tag (api: monasca-api,
// notification: monasca-notification, on GitHub under openstack/).
//
// Python API, before Newton (mitaka):
//
//   - No GET /v2.0/notification-methods/types: the path is the item route
//     with the id "types", which no method has, so 404 (route table in
//     api:monasca_api/api/server.py@mitaka-eol; the types resource is
//     api:monasca_api/v2/reference/notificationstype.py@newton-eol).
//   - Notification methods have no period: the request schema is name
//     (≤250), type (one of EMAIL, email, WEBHOOK, webhook, PAGERDUTY,
//     pagerduty) and address (≤512) with no extra keys, so a "period" is
//     400 "Bad Request" "extra keys not allowed @ data['period']" and any
//     other type "not a valid value for dictionary value @ data['type']";
//     responses carry id, name, type, address, links
//     (api:monasca_api/v2/common/schemas/notifications_request_body_schema.py@mitaka-eol
//     and api:monasca_api/v2/reference/notifications.py@mitaka-eol). The
//     schema error is HTTPBadRequest, 400, not the 422 the reference notes
//     said. No type lookup follows: the literals are the check.
//   - No PATCH on notification methods: the resource has on_post, on_get,
//     on_delete and on_put, so PATCH is 405 with Allow "DELETE, GET, POST,
//     PUT, OPTIONS" (api:monasca_api/v2/reference/notifications.py@mitaka-eol).
//   - GET /v2.0/notification-methods reads no sort_by
//     (api:monasca_api/v2/reference/notifications.py@mitaka-eol, on_get).
//   - Alarm expressions: no ", deterministic" and no last() (functions
//     max, min, avg, count, sum), so either is 422 "Invalid alarm
//     expression"
//     (api:monasca_api/expression_parser/alarm_expr_parser.py@mitaka-eol;
//     added by 0cce983d and 8b6e235a). The error text is the
//     lab's pyparsing 3.3 wording of that grammar.
//
// Newton on is the latest code for everything above.
//
// Python API, Newton to Train: a non-zero period on any type but WEBHOOK is
// 400 "Period can only be set with webhooks", after the address checks
// (A monasca_api/v2/common/schemas/notifications_request_body_schema.py@
// train-eol), and the notifier re-sends only webhooks (N
// monasca_notification/notification_engine.py@train-eol). Ussuri allows a
// period on every type (A 92fbb930; N notification_engine.py@ussuri-eol).
//
// Java API (--api java; monasca-api's java/ folder, read at queens-eol,
// Dropwizard 0.7, paths under java/src/main/java/monasca/api/):
//
//   - Error bodies are {"<fault>": {"code", "message", "details",
//     "internal_code"}}, fault names bad_request, unauthorized, not_found,
//     conflict, unprocessable_entity, forbidden, server_error, internal_code
//     a random long in hex (resource/exception/Exceptions.java,
//     ErrorMessage.java). Where the handlers share code with the Python
//     API the message is the Python description (or title).
//   - A missing or invalid token: 401 "Failed to authenticate request",
//     without WWW-Authenticate; a valid token without an authorized role:
//     401 "Tenant is missing a required role to access this service"
//     (infrastructure/servlet/PostAuthenticationFilter.java, written by
//     PreAuthenticationFilter.java). Authorized roles: user, domainuser,
//     domainadmin, monasca-user; monasca-read-only-user for GET; an
//     agent-only user may POST /v2.0/metrics and GET / and /v2.0, else 400
//     "User is missing a required role to perform this request"
//     (RoleAuthorizationFilter.java, resources/api-config.yml).
//   - Paging links: self is the request URI; next is the path, "?offset="
//     and the offset, then the other parameters in java.util.HashMap order,
//     all encoded by java.net.URLEncoder (resource/Links.java; Jersey 1's
//     MultivaluedMapImpl is a HashMap).
//   - Notification methods: Jackson binds the body to the command class
//     (an unknown field or a list or object where a String goes: 422
//     "Unable to process the provided JSON" with Jackson's first message
//     line as details; other scalars become their text; malformed JSON:
//     400); setPeriod parses the period (422 "period (x) must be valid
//     number"); the @Valid annotations give 422 "[<field> <message> (was
//     <value>)...]" sorted (app/command/Create-, Update- and
//     PatchNotificationMethodCommand.java, app/validation/Validation.java);
//     then "Address ... is not of correct format", "N is not a valid
//     period", "Period can not be non zero for TYPE"
//     (app/validation/NotificationMethodValidation.java); then the name
//     (409 Notification method TENANT "NAME" already exists.) and the type
//     (404 "Not a valid notification method type T ")
//     (infrastructure/persistence/mysql/NotificationMethodMySqlRepoImpl.java).
//     Not found: "No notification method exists for ID", "No alarm
//     definition exists for ID", "No alarm exists for ID" (the MySQL
//     repositories). A body that is not application/json: Jersey's bare
//     415; no route: a bare 404.
//   - Alarm definitions (POST): Jackson binds CreateAlarmDefinitionCommand
//     (snake_case names, a single value accepted as a list); @NotEmpty
//     name and expression; AlarmValidation.validate (name and description
//     ≤255, actions ≤50 and no duplicates, severity low/medium/high/
//     critical); the expression: 422 "The alarm expression is invalid"
//     with the parser's text as details (the lab's parser, not ANTLR's),
//     period texts as the Python parser's ("Periods N must be greater
//     than or equal to 1"); then 409 "An alarm definition already exists
//     for project / tenant: T named: N" and 422 "No notification method
//     exists for action A" (app/command/CreateAlarmDefinitionCommand.java,
//     app/validation/AlarmValidation.java, app/AlarmDefinitionService.java,
//     resource/AlarmDefinitionResource.java, MonApiApplication.java).
//   - With --release mitaka the Java API has no period (an unrecognized
//     field), its type is the NotificationMethodType enum
//     (valueOf(upper case): another name is a 422 "Unable to process the
//     provided JSON"), PUT binds the create command, and there is no
//     PATCH and no types route (java/ at mitaka-eol:
//     app/command/CreateNotificationMethodCommand.java,
//     domain/model/notificationmethod/NotificationMethodType.java,
//     resource/NotificationMethodResource.java).
//
// The notifier (the webhook plugin, notification:monasca_notification/
// types/webhook_notifier.py@mitaka-eol, plugins/webhook_notifier.py from
// Newton):
//
//   - Mitaka to Ocata: "import json", json.dumps(body) under Python 2, so
//     the ten keys (and the metric and dimension dicts json.loads built)
//     come in Python 2.7's dict order (pyjson.Py2DictOrder)
//     (plugins/webhook_notifier.py@ocata-eol). Pike to Train: "import
//     ujson as json" (compact, "/" as "\/"; @pike-eol, @train-eol), written
//     with Python 2's order too, which those releases mostly ran on. Ussuri
//     on: "import simplejson as json" (@ussuri-eol).
//   - alarm_timestamp: Mitaka's alarm['timestamp'] / 1000 under Python 2
//     and later int(timestamp / 1000.0) give the same integer.
//   - Rocky on, [keystone] auth_required = True adds X-Auth-Token
//     (plugins/webhook_notifier.py@rocky-eol; lab option
//     NotifierAuthToken: a token of NotifierUser).
//   - The timeout is 5 s in every release (the plugin's config dict with
//     timeout 5 until Pike, [webhook_notifier] timeout, default 5, minimum
//     1, from Queens: plugins/webhook_notifier.py@queens-eol).
//
// Deviations of the profiles: Mitaka ran Python 2 and an older voluptuous,
// whose messages the lab takes from the current one; EMAIL addresses are
// checked with the latest API's regular expression (Mitaka used
// validate_email, the Java API commons-validator's EmailValidator) and
// WEBHOOK addresses with urlsplit (the Java API used commons-validator's
// UrlValidator with local URLs allowed). Jackson's "Unrecognized field"
// line is cut before its list of known properties, whose order is
// Jackson's. Where no Java text is modelled (metrics, alarms, statistics),
// the Java API answers with the Python API's messages in Java fault bodies.
package lab
