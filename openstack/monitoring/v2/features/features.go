package features

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/pagination"

	monitoring "github.com/monhook/monhook/openstack/monitoring/v2"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
)

// The features Detect reports, by the names the report uses.
const (
	// Types is GET /v2.0/notification-methods/types.
	Types = "types"
	// Period is the notification method's period (re-sends).
	Period = "period"
	// Patch is PATCH /v2.0/notification-methods/{id}.
	Patch = "patch"
	// Deterministic is the deterministic argument of alarm expressions.
	Deterministic = "deterministic"
	// Last is the last function of alarm expressions.
	Last = "last"
)

// All lists the features in the order they are reported.
var All = []string{Types, Period, Patch, Deterministic, Last}

// AddedIn is the release that added every feature of All.
const AddedIn = "Newton"

// FixedTypes are the notification types of a pre-Newton API (its request
// schema's fixed list).
var FixedTypes = []string{"EMAIL", "WEBHOOK", "PAGERDUTY"}

// FlavorUnknown is the flavor until an error body showed it.
const FlavorUnknown = "unknown"

// API is what a Monasca v2.0 endpoint showed of itself.
type API struct {
	// Flavor is monitoring.FlavorPython, monitoring.FlavorJava or
	// FlavorUnknown.
	Flavor string
	// Has tells, per feature of All, whether the API has it.
	Has map[string]bool
	// NotificationTypes are the registered types (GET types), or
	// FixedTypes without that endpoint.
	NotificationTypes []string
}

// Newton is an API with every feature: what a client assumes before
// anything was detected.
func Newton() API {
	has := map[string]bool{}
	for _, f := range All {
		has[f] = true
	}
	return API{Flavor: FlavorUnknown, Has: has}
}

// preNewton is an API without any of them.
func preNewton() API {
	has := map[string]bool{}
	for _, f := range All {
		has[f] = false
	}
	return API{Flavor: FlavorUnknown, Has: has, NotificationTypes: FixedTypes}
}

// Missing lists the features the API lacks, in the order of All.
func (a *API) Missing() []string {
	var out []string
	for _, f := range All {
		if !a.Has[f] {
			out = append(out, f)
		}
	}
	return out
}

// Observe records the flavor an error answer shows, if it shows one and
// none is known yet.
func (a *API) Observe(err error) {
	if ans, ok := monitoring.AnswerOf(err); ok && ans.Flavor != "" && (a.Flavor == "" || a.Flavor == FlavorUnknown) {
		a.Flavor = ans.Flavor
	}
}

// MissingError is a feature the scenario or command needs and the API
// lacks: found before anything is created.
type MissingError struct {
	// Feature is one of All.
	Feature string
	// Need says what needs it, e.g. "scenario periodic (period 60)".
	Need string
	// Evidence says what the API showed; "" means the types endpoint's 404.
	Evidence string
}

// describe names each feature for people.
var describe = map[string]string{
	Types:         "the notification types endpoint",
	Period:        "the notification method's `period`",
	Patch:         "PATCH of notification methods",
	Deterministic: "`deterministic` in alarm expressions",
	Last:          "the `last` function of alarm expressions",
}

func (e *MissingError) Error() string {
	evidence := e.Evidence
	if evidence == "" {
		evidence = "GET /v2.0/notification-methods/types answered 404: a pre-" + AddedIn + " API"
	}
	return fmt.Sprintf("%s needs %s, which this Monasca API does not have (added in %s; %s)",
		e.Need, describe[e.Feature], AddedIn, evidence)
}

// Require returns a *MissingError when the API lacks feature.
func (a *API) Require(feature, need string) error {
	if a.Has[feature] {
		return nil
	}
	return &MissingError{Feature: feature, Need: need}
}

// NotMonascaError is a 404 on both the types endpoint and the notification
// methods list: the URL does not lead to a Monasca v2.0 API.
type NotMonascaError struct {
	// Err is the 404 of the types endpoint.
	Err error
}

func (e *NotMonascaError) Error() string {
	return "not a Monasca v2.0 API: GET notification-methods/types and notification-methods both answered 404"
}

func (e *NotMonascaError) Unwrap() error { return e.Err }

// Detect asks the API for its notification types. An answer means every
// feature of All; a 404 is followed by one GET of the notification methods
// (first page, limit 1): an answer there means a pre-Newton API, another
// 404 a *NotMonascaError. Other errors are returned as they came.
func Detect(ctx context.Context, c *gophercloud.ServiceClient) (API, error) {
	pages, err := notificationmethods.ListTypes(c).AllPages(ctx)
	if err == nil {
		types, err := notificationmethods.ExtractTypes(pages)
		if err != nil {
			return API{}, fmt.Errorf("decoding notification method types: %w", err)
		}
		api := Newton()
		api.NotificationTypes = types
		return api, nil
	}
	if monitoring.StatusCode(err) != http.StatusNotFound {
		return API{}, err
	}
	api := preNewton()
	api.Observe(err)
	lerr := notificationmethods.List(c, notificationmethods.ListOpts{Limit: 1}).EachPage(ctx,
		func(context.Context, pagination.Page) (bool, error) { return false, nil })
	if lerr != nil {
		if monitoring.StatusCode(lerr) == http.StatusNotFound {
			return API{}, &NotMonascaError{Err: err}
		}
		return API{}, lerr
	}
	return api, nil
}

// ErrPeriodRefused is wrapped by CreateMethod's error when the API refused
// the period of the create request.
var ErrPeriodRefused = errors.New("the API refused the period of the notification method")

// CreateMethod creates a notification method with the given period the
// way the API takes it: with "period" when the API has the feature, without
// it when it does not (period 0 only; another period is a *MissingError,
// nothing created). An API detected as having period that still refuses the
// key (400 or 422 naming period: an unusual build, or detection skipped) is asked
// again without it for period 0, and api records the feature as missing.
// api may be nil: Newton is assumed.
func CreateMethod(ctx context.Context, c *gophercloud.ServiceClient, api *API, opts notificationmethods.CreateOpts, period int) (*notificationmethods.NotificationMethod, error) {
	if api == nil {
		a := Newton()
		api = &a
	}
	if !api.Has[Period] {
		if period != 0 {
			return nil, api.Require(Period, fmt.Sprintf("a notification method with period %d", period))
		}
		opts.Period = nil
		return notificationmethods.Create(ctx, c, opts).Extract()
	}
	opts.Period = &period
	m, err := notificationmethods.Create(ctx, c, opts).Extract()
	if err == nil || !refusesPeriod(err) {
		return m, err
	}
	api.Observe(err)
	api.Has[Period] = false
	if period != 0 {
		return nil, &MissingError{Feature: Period, Need: fmt.Sprintf("a notification method with period %d", period),
			Evidence: "it refused a create request with period: " + monitoring.StatusText(err)}
	}
	opts.Period = nil
	return notificationmethods.Create(ctx, c, opts).Extract()
}

// refusesPeriod reports whether err refuses the period key: voluptuous'
// "extra keys not allowed @ data['period']" (Python; Mitaka answers it with
// 400 "Bad Request", notifications.py@mitaka-eol) or Jackson's
// `Unrecognized field "period"` (Java; 422 from JsonMappingExceptionManager).
func refusesPeriod(err error) bool {
	if code := monitoring.StatusCode(err); code != http.StatusBadRequest && code != http.StatusUnprocessableEntity {
		return false
	}
	a, ok := monitoring.AnswerOf(err)
	if !ok {
		return false
	}
	m := a.Message
	return strings.Contains(m, "extra keys not allowed @ data['period']") || strings.Contains(m, `Unrecognized field "period"`)
}
