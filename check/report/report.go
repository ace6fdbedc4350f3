// Package report is the outcome of one `monhook check` run as a stable,
// documented document, and its renderers: a stage table and delivery
// summary for people (WriteTable), JSON and YAML for machines (WriteJSON,
// WriteYAML; same fields, same names), and JUnit XML for CI (WriteJUnit).
//
// # The document (schema_version 1)
//
// Keys are snake_case and identical in JSON and YAML. Times are RFC 3339
// in UTC; durations are milliseconds as numbers with up to three decimals
// (so sub-millisecond loopback calls stay visible). Lists are always
// present, empty rather than null. Fields are only ever added within a
// schema version, never renamed or removed.
//
//	schema_version  1
//	run_id          the run id; every resource the run made is named monhook-<run_id>-...
//	scenario        the scenario's name
//	started_at      when the run started
//	duration_ms     the whole run, teardown included
//	verdict         pass | fail | error | interrupted
//	exit_code       the process exit code (0 pass, 1 fail, 2 usage, 3 could not run,
//	                4 resources left behind, also after an interrupt whose teardown was
//	                skipped or cut short; 130 interrupted, teardown complete)
//	endpoint        the Monasca API endpoint used
//	project_id      the caller's project (the tenant_id deliveries must carry)
//	callback_url    the URL Monasca was told to call, per-run token redacted
//	forward_to      with --forward-to: the consumer each delivery was relayed to; the
//	                verdict then requires its 2xx for every counted delivery, and the
//	                stages end with a "consumer" stage
//	stages[]        one per stage, in run order:
//	  name          auth | preflight | receiver | notification-method | alarm-definition |
//	                trigger | alarm | delivery | consumer (with --forward-to) | teardown
//	  status        ok | failed | skipped
//	  started_at    when the stage started (absent if skipped)
//	  duration_ms   how long it took
//	  detail        one line: what happened, or what went wrong
//	  hints[]       likely causes of a failure, from Monasca's known pitfalls
//	expectations[]  the scenario's expected deliveries and how they went:
//	  index         1-based position in the scenario's expect list
//	  state, old_state  the transition expected (old_state empty: any)
//	  want          how many deliveries were required
//	  got           how many matching deliveries arrived
//	  within_ms     the time allowed
//	  met           got >= want in time
//	deliveries[]    every request for this run that reached the receiver, in arrival order:
//	  seq           1-based arrival order
//	  received_at   when it arrived
//	  state, old_state, alarm_id, alarm_definition_id, message  from the payload
//	  response_status  what the receiver answered (e.g. 500 for a provoked failure)
//	  expected      counted toward an expectation
//	  expectation   which one (index), 0 if none
//	  findings[]    what is wrong with it: code (machine-readable), key (payload key), detail
//	  consumer      with --forward-to: the consumer's answer to the relayed delivery:
//	                url, status (absent when none came), latency_ms, body (its first
//	                200 bytes), error (refused, no answer within D, ...)
//	strays[]        requests that reached the receiver but are not this run's deliveries
//	                (wrong token or path, another definition); reported, never counted:
//	  received_at, remote (address), method, path, reason, status (answered)
//	resources[]     everything the run created: kind (notification-method | alarm-definition),
//	                id, name, deleted, error (why it could not be deleted)
//	leaked[]        the resources that are still there after teardown (same shape)
//	kept            true if --keep skipped teardown
//	error           the error that stopped the run, if any
//	target          lab (true for --lab or a `monhook lab` recognised by its answers),
//	                speed (the factor the scenario's timings were divided by),
//	                api (absent when preflight did not get that far): what the Monasca API showed:
//	  flavor        python | java (the shape of its error bodies) | unknown
//	  features      types, period, patch, deterministic, last: true or false each. All came
//	                with Newton; a 404 on GET /v2.0/notification-methods/types from an API that
//	                lists notification methods is a pre-Newton API, without any of them
//	saved           with --save: path (the JSON Lines file), deliveries (appended by this run)
package report

import (
	"math"
	"time"

	"github.com/monhook/monhook/marker"
)

// SchemaVersion is the version of the document's layout.
const SchemaVersion = 1

// Verdicts.
const (
	VerdictPass        = "pass"
	VerdictFail        = "fail"
	VerdictError       = "error"
	VerdictInterrupted = "interrupted"
)

// Stage statuses.
const (
	StatusOK      = "ok"
	StatusFailed  = "failed"
	StatusSkipped = "skipped"
)

// Report is the outcome of one run. See the package documentation for
// what each field means.
type Report struct {
	SchemaVersion int           `json:"schema_version" yaml:"schema_version"`
	RunID         string        `json:"run_id" yaml:"run_id"`
	Scenario      string        `json:"scenario" yaml:"scenario"`
	StartedAt     time.Time     `json:"started_at" yaml:"started_at"`
	DurationMS    float64       `json:"duration_ms" yaml:"duration_ms"`
	Verdict       string        `json:"verdict" yaml:"verdict"`
	ExitCode      int           `json:"exit_code" yaml:"exit_code"`
	Endpoint      string        `json:"endpoint" yaml:"endpoint"`
	ProjectID     string        `json:"project_id" yaml:"project_id"`
	CallbackURL   string        `json:"callback_url" yaml:"callback_url"`
	ForwardTo     string        `json:"forward_to,omitempty" yaml:"forward_to,omitempty"`
	Stages        []Stage       `json:"stages" yaml:"stages"`
	Expectations  []Expectation `json:"expectations" yaml:"expectations"`
	Deliveries    []Delivery    `json:"deliveries" yaml:"deliveries"`
	Strays        []Stray       `json:"strays" yaml:"strays"`
	Resources     []Resource    `json:"resources" yaml:"resources"`
	Leaked        []Resource    `json:"leaked" yaml:"leaked"`
	Kept          bool          `json:"kept" yaml:"kept"`
	Error         string        `json:"error,omitempty" yaml:"error,omitempty"`
	// Target says whether the check ran against monhook's lab (--lab, or a
	// `monhook lab` it recognised) and at what speed its timings were scaled.
	Target Target `json:"target" yaml:"target"`
	// Saved is where --save appended the run's deliveries.
	Saved *Saved `json:"saved,omitempty" yaml:"saved,omitempty"`
}

// Target is what the check ran against.
type Target struct {
	Lab   bool    `json:"lab" yaml:"lab"`
	Speed float64 `json:"speed" yaml:"speed"`
	API   *API    `json:"api,omitempty" yaml:"api,omitempty"`
}

// API is what the Monasca API showed of itself in preflight.
type API struct {
	Flavor   string          `json:"flavor" yaml:"flavor"`
	Features map[string]bool `json:"features" yaml:"features"`
}

// Saved is the --save file and how many deliveries it holds from this run.
type Saved struct {
	Path       string `json:"path" yaml:"path"`
	Deliveries int64  `json:"deliveries" yaml:"deliveries"`
}

// Stage is one stage of the run.
type Stage struct {
	Name       string     `json:"name" yaml:"name"`
	Status     string     `json:"status" yaml:"status"`
	StartedAt  *time.Time `json:"started_at,omitempty" yaml:"started_at,omitempty"`
	DurationMS float64    `json:"duration_ms" yaml:"duration_ms"`
	Detail     string     `json:"detail" yaml:"detail"`
	Hints      []string   `json:"hints,omitempty" yaml:"hints,omitempty"`
}

// Expectation is one expected delivery of the scenario and its outcome.
type Expectation struct {
	Index    int     `json:"index" yaml:"index"`
	State    string  `json:"state" yaml:"state"`
	OldState string  `json:"old_state,omitempty" yaml:"old_state,omitempty"`
	Want     int     `json:"want" yaml:"want"`
	Got      int     `json:"got" yaml:"got"`
	WithinMS float64 `json:"within_ms" yaml:"within_ms"`
	Met      bool    `json:"met" yaml:"met"`
}

// Delivery is one request for this run that reached the receiver.
type Delivery struct {
	Seq               int       `json:"seq" yaml:"seq"`
	ReceivedAt        time.Time `json:"received_at" yaml:"received_at"`
	State             string    `json:"state" yaml:"state"`
	OldState          string    `json:"old_state" yaml:"old_state"`
	AlarmID           string    `json:"alarm_id" yaml:"alarm_id"`
	AlarmDefinitionID string    `json:"alarm_definition_id" yaml:"alarm_definition_id"`
	Message           string    `json:"message,omitempty" yaml:"message,omitempty"`
	ResponseStatus    int       `json:"response_status,omitempty" yaml:"response_status,omitempty"`
	Expected          bool      `json:"expected" yaml:"expected"`
	Expectation       int       `json:"expectation,omitempty" yaml:"expectation,omitempty"`
	Findings          []Finding `json:"findings" yaml:"findings"`
	Consumer          *Consumer `json:"consumer,omitempty" yaml:"consumer,omitempty"`
	// Mail is set on the EMAIL path (--type email): the mail as read from
	// the mailbox.
	Mail *Mail `json:"mail,omitempty" yaml:"mail,omitempty"`
}

// Consumer is the --forward-to consumer's answer to a relayed delivery.
type Consumer struct {
	URL       string  `json:"url" yaml:"url"`
	Status    int     `json:"status,omitempty" yaml:"status,omitempty"`
	LatencyMS float64 `json:"latency_ms" yaml:"latency_ms"`
	Body      string  `json:"body,omitempty" yaml:"body,omitempty"`
	Error     string  `json:"error,omitempty" yaml:"error,omitempty"`
}

// Mail is a delivery read from the mailbox. The SMTP hand-off cannot be
// seen, so its timing runs from the state change (the mail's own "at …
// UTC", whole seconds) to the server storing it (IMAP INTERNALDATE, whole
// seconds).
type Mail struct {
	UID            uint32    `json:"uid" yaml:"uid"`
	Subject        string    `json:"subject" yaml:"subject"`
	From           string    `json:"from" yaml:"from"`
	To             string    `json:"to" yaml:"to"`
	Format         string    `json:"format" yaml:"format"` // the release family the layout matches: mitaka, pike, queens
	StateChangedAt time.Time `json:"state_changed_at,omitzero" yaml:"state_changed_at,omitempty"`
	InMailboxAt    time.Time `json:"in_mailbox_at" yaml:"in_mailbox_at"`
	ReadAt         time.Time `json:"read_at" yaml:"read_at"`
	LatencyMS      float64   `json:"latency_ms" yaml:"latency_ms"` // state change → in the mailbox
}

// Finding is something wrong with a delivery.
type Finding struct {
	Code   string `json:"code" yaml:"code"`
	Key    string `json:"key,omitempty" yaml:"key,omitempty"`
	Detail string `json:"detail" yaml:"detail"`
}

// Stray is a request the receiver got that is not one of this run's
// deliveries.
type Stray struct {
	ReceivedAt time.Time `json:"received_at" yaml:"received_at"`
	Remote     string    `json:"remote" yaml:"remote"`
	Method     string    `json:"method" yaml:"method"`
	Path       string    `json:"path" yaml:"path"`
	Reason     string    `json:"reason" yaml:"reason"`
	Status     int       `json:"status" yaml:"status"`
}

// Resource kinds.
const (
	KindNotificationMethod = marker.KindNotificationMethod
	KindAlarmDefinition    = marker.KindAlarmDefinition
	// KindMail is this run's mail in the mailbox (--type email); listed
	// only when teardown could not delete it.
	KindMail = "mail"
)

// Resource is something the run created in Monasca.
type Resource struct {
	Kind    string `json:"kind" yaml:"kind"`
	ID      string `json:"id" yaml:"id"`
	Name    string `json:"name" yaml:"name"`
	Deleted bool   `json:"deleted" yaml:"deleted"`
	Error   string `json:"error,omitempty" yaml:"error,omitempty"`
}

// Millis converts a duration to the document's milliseconds, rounded to
// the microsecond.
func Millis(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}

// FirstFailed returns the first stage that failed, or nil.
func (r *Report) FirstFailed() *Stage {
	for i := range r.Stages {
		if r.Stages[i].Status == StatusFailed {
			return &r.Stages[i]
		}
	}
	return nil
}

// normalized returns a shallow copy whose lists are empty rather than nil,
// so JSON and YAML always carry every list key, with the callback token
// redacted wherever a path is printed. Every writer starts from it.
func (r *Report) normalized() *Report {
	c := *r
	c.Stages = orEmpty(c.Stages)
	c.Expectations = orEmpty(c.Expectations)
	c.Strays = orEmpty(c.Strays)
	c.Resources = orEmpty(c.Resources)
	c.Leaked = orEmpty(c.Leaked)
	c.redacted()
	c.Deliveries = make([]Delivery, len(r.Deliveries))
	for i, d := range r.Deliveries {
		d.Findings = orEmpty(d.Findings)
		c.Deliveries[i] = d
	}
	return &c
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
