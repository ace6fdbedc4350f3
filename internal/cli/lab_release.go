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

	profile profile.Profile // set by validate
}

func (r *labRelease) addFlags(fl *pflag.FlagSet, prefix, with string) {
	// "" is the default (latest, python), so that the zero labFaults is
	// what no flag gives.
	fl.StringVar(&r.Release, prefix+"release", "", with+"Monasca release to answer as (default latest): "+strings.Join(profile.Releases(), ", "))
	fl.StringVar(&r.API, prefix+"api", "", with+"monasca-api flavor to answer as: python (default) or java")
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
	return nil
}

func (r *labRelease) apply(o *lab.Options) { o.Profile = r.profile }
