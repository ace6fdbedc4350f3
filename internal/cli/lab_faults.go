package cli

import (
	"time"

	"github.com/spf13/pflag"

	"github.com/monhook/monhook/internal/lab"
)

// labFaults are the lab options that reproduce what goes wrong on real
// deployments, so that the check's diagnoses can be seen (and tested):
// shared by `monhook lab` and `monhook check --lab` (prefix "lab-").
type labFaults struct {
	AgentsProject   string
	AgentClockSkew  time.Duration
	DefinitionDelay time.Duration
	NoNotifier      bool
	labRelease
}

// labFaultsHelp explains the options in `monhook lab --help`.
const labFaultsHelp = `
Reproducing what goes wrong on real deployments:
  --agents-project service   the agents report into their own project, as
                             monasca-agent's service account does (user
                             labserviceagent, monasca-agent role, which may
                             post into other projects with ?tenant_id=): the
                             lab's users see no agent metrics
  --definition-delay 3s      alarm definitions reach the threshold engine
                             that long after the API answered (Kafka's events
                             topic; scaled by --speed): measurements before
                             that create no alarm
  --agent-clock-skew 5m      the agents' clocks run ahead (negative: behind)
                             by that much real time: monasca-thresh silently
                             drops measurements outside its window
  --no-notifier              no notification engine: alarms change state,
                             nothing is ever sent (a dead
                             monasca-notification)`

func (f *labFaults) addFlags(fl *pflag.FlagSet, prefix, with string) {
	fl.StringVar(&f.AgentsProject, prefix+"agents-project", "", with+"the simulated agents report into this separate project (as monasca-agent's service account)")
	fl.DurationVar(&f.DefinitionDelay, prefix+"definition-delay", 0, with+"alarm definitions reach the threshold engine this long after creation (Monasca time, scaled by --speed; about 3s on a real deployment)")
	fl.DurationVar(&f.AgentClockSkew, prefix+"agent-clock-skew", 0, with+"the agents' clocks run this far ahead (negative: behind), in real time")
	fl.BoolVar(&f.NoNotifier, prefix+"no-notifier", false, with+"run without the notification engine: alarms fire, nothing is sent (a dead monasca-notification)")
	f.labRelease.addFlags(fl, prefix, with)
}

func (f *labFaults) validate(prefix string, externalKeystone bool) error {
	switch {
	case f.DefinitionDelay < 0:
		return usageErrorf("--%sdefinition-delay must not be negative, got %s", prefix, f.DefinitionDelay)
	case f.AgentsProject != "" && externalKeystone:
		return usageErrorf("--%sagents-project needs the lab's own Keystone (not --keystone-url)", prefix)
	}
	if err := f.labRelease.validateKeystone(prefix, externalKeystone); err != nil {
		return err
	}
	return f.labRelease.validate(prefix)
}

func (f *labFaults) apply(o *lab.Options) {
	o.AgentsProject, o.AgentClockSkew, o.DefinitionDelay = f.AgentsProject, f.AgentClockSkew, f.DefinitionDelay
	o.NoNotifier = f.NoNotifier
	f.labRelease.apply(o)
}
