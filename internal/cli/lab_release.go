package cli

import (
	"strings"

	"github.com/spf13/pflag"

	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/lab/profile"
)

// labRelease is which Monasca the lab plays: a release profile and the
// API flavor (internal/lab/profile). Part of labFaults, so `monhook lab`
// (--release, --api) and check and serve (--lab-release, --lab-api) share
// it.
type labRelease struct {
	Release string
	API     string
	// NotifierAuthToken: the notifier sends X-Auth-Token (Rocky on).
	NotifierAuthToken bool

	profile profile.Profile // set by validate
}

func (r *labRelease) addFlags(fl *pflag.FlagSet, prefix, with string) {
	// "" is the default (latest, python), so that the zero labFaults is
	// what no flag gives.
	fl.StringVar(&r.Release, prefix+"release", "", with+"Monasca release to answer as (default latest): "+strings.Join(profile.Releases(), ", "))
	fl.StringVar(&r.API, prefix+"api", "", with+"monasca-api flavor to answer as: python (default) or java")
	fl.BoolVar(&r.NotifierAuthToken, prefix+"notifier-auth-token", false, with+"webhooks carry X-Auth-Token, a lab Keystone token ([keystone] auth_required, Rocky on)")
}

// validate parses the names; an unknown one is a usage error naming the
// valid values.
func (r *labRelease) validate(prefix string) error {
	p, err := profile.Parse(r.Release, r.API)
	if err != nil {
		flag := "--" + prefix + "release"
		if strings.Contains(err.Error(), "API") {
			flag = "--" + prefix + "api"
		}
		return usageErrorf("%s: %v", flag, err)
	}
	r.profile = p
	if r.NotifierAuthToken && !p.WebhookAuthToken() {
		return usageErrorf("--%snotifier-auth-token: monasca-notification sends X-Auth-Token from Rocky on, not in %s", prefix, p.Release())
	}
	return nil
}

// validateKeystone refuses the token option with an external Keystone,
// where the lab has no user to issue it for.
func (r *labRelease) validateKeystone(prefix string, external bool) error {
	if r.NotifierAuthToken && external {
		return usageErrorf("--%snotifier-auth-token needs the lab's own Keystone (not --keystone-url)", prefix)
	}
	return nil
}

func (r *labRelease) apply(o *lab.Options) {
	o.Profile = r.profile
	o.NotifierAuthToken = r.NotifierAuthToken
}
