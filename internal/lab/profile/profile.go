// Package profile names the Monasca releases and API flavors the lab can
// play, and answers, per wire behaviour, whether the chosen one has it.
// The lab's packages ask a Profile ("does this API have the types
// route?"), never compare release names themselves, so each difference is
// decided in one place; the upstream source of each is in the lab's
// package doc (internal/lab/doc.go).
package profile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/monhook/monhook/webhook"
)

// Releases the lab plays, oldest first. "latest" is the last upstream code
// (master, 2023), the lab's default.
var releases = []string{
	"mitaka", "newton", "ocata", "pike", "queens", "rocky", "stein", "train", "ussuri", "latest",
}

// Flavor is which monasca-api implementation answers.
type Flavor string

// The two monasca-api implementations.
const (
	Python Flavor = "python" // monasca_api (falcon)
	Java   Flavor = "java"   // monasca-api's java/ folder (Dropwizard)
)

var flavors = []Flavor{Python, Java}

// Profile is a release and an API flavor. The zero value is the latest
// Python API: the lab's default, unchanged by this package.
type Profile struct {
	release string // "" = latest
	api     Flavor // "" = python
}

// Latest is the default profile.
var Latest = Profile{}

// Releases lists the valid release names, oldest first.
func Releases() []string { return slices.Clone(releases) }

// Flavors lists the valid API flavors.
func Flavors() []string {
	out := make([]string, len(flavors))
	for i, f := range flavors {
		out[i] = string(f)
	}
	return out
}

// Parse validates a release name and an API flavor ("" = the default of
// each). The error names the valid values.
func Parse(release, api string) (Profile, error) {
	release, api = strings.ToLower(strings.TrimSpace(release)), strings.ToLower(strings.TrimSpace(api))
	if release != "" && !slices.Contains(releases, release) {
		return Profile{}, fmt.Errorf("unknown Monasca release %q: want one of %s", release, strings.Join(releases, ", "))
	}
	if api != "" && !slices.Contains(flavors, Flavor(api)) {
		return Profile{}, fmt.Errorf("unknown Monasca API %q: want one of %s", api, strings.Join(Flavors(), ", "))
	}
	p := Profile{release: release, api: Flavor(api)}
	if p.release == "latest" {
		p.release = ""
	}
	if p.api == Python {
		p.api = ""
	}
	return p, nil
}

// MustParse is Parse for names known to be valid (tests, constants).
func MustParse(release, api string) Profile {
	p, err := Parse(release, api)
	if err != nil {
		panic(err)
	}
	return p
}

// Release is the release name ("latest" for the default).
func (p Profile) Release() string {
	if p.release == "" {
		return "latest"
	}
	return p.release
}

// API is the flavor.
func (p Profile) API() Flavor {
	if p.api == "" {
		return Python
	}
	return p.api
}

// IsLatest reports whether p is the default profile.
func (p Profile) IsLatest() bool { return p == Latest }

// String is "release" or "release/java".
func (p Profile) String() string {
	if p.API() == Java {
		return p.Release() + "/java"
	}
	return p.Release()
}

func (p Profile) index() int { return slices.Index(releases, p.Release()) }

// atLeast reports whether p's release is name or later.
func (p Profile) atLeast(name string) bool { return p.index() >= slices.Index(releases, name) }

// Java reports whether the Java API answers.
func (p Profile) Java() bool { return p.API() == Java }

// NotificationPeriods reports whether notification methods have a
// "period" (requests may carry it, responses show it): Newton on.
func (p Profile) NotificationPeriods() bool { return p.atLeast("newton") }

// PeriodsOnEveryType reports whether a method of any type may carry a
// period (and the notifier re-sends it): the Python API from Ussuri on.
// Newton to Train refuse a non-zero period on anything but WEBHOOK, as the
// Java API always does.
func (p Profile) PeriodsOnEveryType() bool { return !p.Java() && p.atLeast("ussuri") }

// NotificationTypesRoute reports whether GET
// /v2.0/notification-methods/types exists: Newton on. Before it the path
// is an item of /notification-methods with the id "types".
func (p Profile) NotificationTypesRoute() bool { return p.atLeast("newton") }

// PatchNotificationMethods reports whether PATCH
// /v2.0/notification-methods/{id} exists: Newton on.
func (p Profile) PatchNotificationMethods() bool { return p.atLeast("newton") }

// FixedNotificationTypes are the types a pre-Newton API's schema accepts
// (in upper or lower case); nil from Newton on, where the notifier's
// plugins decide.
func (p Profile) FixedNotificationTypes() []string {
	if p.atLeast("newton") {
		return nil
	}
	return []string{"EMAIL", "WEBHOOK", "PAGERDUTY"}
}

// NotificationSortBy reports whether GET /notification-methods reads
// sort_by: Newton on (Mitaka ignores the parameter).
func (p Profile) NotificationSortBy() bool { return p.atLeast("newton") }

// DeterministicAlarms reports whether alarm expressions may say
// "deterministic": Newton on.
func (p Profile) DeterministicAlarms() bool { return p.atLeast("newton") }

// LastFunction reports whether alarm expressions may use last(): Newton on.
func (p Profile) LastFunction() bool { return p.atLeast("newton") }

// WebhookEncoding is the encoder of p's monasca-notification webhook
// plugin: json (Python 2) to Ocata, ujson Pike to Train, simplejson from
// Ussuri.
func (p Profile) WebhookEncoding() webhook.Encoding {
	switch {
	case p.atLeast("ussuri"):
		return webhook.SimpleJSON
	case p.atLeast("pike"):
		return webhook.UJSON
	}
	return webhook.JSON
}

// WebhookAuthToken reports whether the notifier can be configured to send
// X-Auth-Token ([keystone] auth_required): Rocky on.
func (p Profile) WebhookAuthToken() bool { return p.atLeast("rocky") }
