package serve

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Defaults. The HTTP port is outside 9100–9999, the range Prometheus'
// port-allocation wiki hands to exporters and which is fully allocated; 10070
// echoes Monasca's own 8070, and the receiver sits next to it.
const (
	DefaultListen           = ":10070"
	DefaultReceiverListen   = ":10071"
	DefaultMaxConcurrent    = 20
	DefaultProbeTimeout     = 2 * time.Minute
	DefaultTimeoutOffset    = 500 * time.Millisecond
	DefaultProbeMinInterval = 5 * time.Second
	DefaultInterval         = 5 * time.Minute
	DefaultDrainTimeout     = 30 * time.Second
	DefaultHistory          = 20
	maxTargetTimeout        = 10 * time.Minute
)

// Config is everything `monhook serve` is told, from flags and the config
// file. Keys in messages are the config file's (see Validate).
type Config struct {
	// Listen is the HTTP address of /probe, /metrics, /healthz and the index.
	Listen string
	// ReceiverListen is the one webhook receiver's address, for the process
	// lifetime: the port to open toward monasca-notification.
	ReceiverListen string
	// CallbackURL is the base URL Monasca calls (NAT, containers, ingress);
	// each run appends its token. "" = the local address of the route toward
	// each cloud's Monasca API, on the receiver's port.
	CallbackURL string
	// WebConfigFile is an exporter-toolkit web configuration (TLS, basic
	// auth) for the HTTP listener (/probe writes to Monasca: it must not be
	// open to anyone who can reach the port); "" = plain HTTP, no auth.
	// Read again on every new connection, as by Prometheus' exporters.
	WebConfigFile string
	// TLSCert and TLSKey (PEM files, both or neither) make the receiver
	// HTTPS; monasca-notification verifies the certificate against its
	// host's CA store.
	TLSCert, TLSKey string
	// InstanceID prefixes every run id of this instance (see runid.go);
	// "" derives it from ReceiverListen.
	InstanceID string
	// MaxConcurrent caps probes in flight across all targets.
	MaxConcurrent int
	// ProbeTimeout bounds a /probe without Prometheus' timeout header, and
	// caps one with it.
	ProbeTimeout time.Duration
	// ProbeMinInterval: a /probe within this long after a run of the same
	// cloud and scenario finished gets that run's result instead of a new
	// run (a scrape storm cannot multiply Monasca API calls); default 5s,
	// negative = never.
	ProbeMinInterval time.Duration
	// TimeoutOffset is taken off Prometheus' scrape timeout so that the
	// answer gets back before Prometheus gives up.
	TimeoutOffset time.Duration
	// SweepOlderThan: the sweep (sweep.go) deletes this instance's
	// leftovers at least this old; 0 = the longest a run can last (MaxRun),
	// the youngest age at which no run can still be using them.
	SweepOlderThan time.Duration
	// SweepInterval is how often the sweep runs after start-up; default 1m.
	SweepInterval time.Duration
	// NoSweep turns the sweep off.
	NoSweep bool
	// DrainTimeout is how long SIGTERM waits for probes in flight before
	// cancelling them (their teardown still runs).
	DrainTimeout time.Duration
	// Speed compresses scenario timings for a target that runs faster than
	// real Monasca (the lab); ≤0 = each cloud's own (Options.LabSpeed: a
	// monhook lab says its speed, as check discovers it), else 1.
	Speed float64
	// History is how many recent /probe results the index page keeps.
	History int
	// DefaultCloud is the cloud meant when a target or a /probe names none;
	// "" is the OS_* environment, labelled "env" (serve --lab: "lab").
	DefaultCloud string
	// Targets are probed in the background on their interval.
	Targets []Target
	// Email is the mailbox type=email probes mail and read (serve's
	// --email-to and --imap); nil: type=email is refused.
	Email *EmailOptions
}

// Target is one scheduled probe: a scenario against a cloud, every Interval.
type Target struct {
	// Name identifies the target in metrics (label target) and on the index
	// page; default "<cloud>/<scenario>" ("env" for the OS_* environment),
	// with "/email" after it for a type email target.
	Name string
	// Cloud is a clouds.yaml entry; "" = the OS_* environment.
	Cloud string
	// Scenario is a built-in scenario name; ScenarioFile a scenario file
	// (as check's --scenario-file). Exactly one of them.
	Scenario     string
	ScenarioFile string
	// Hostname is the agent host an agent scenario watches (as check's
	// --hostname); "" lets preflight pick the most recently reporting.
	Hostname string
	// Interval between probe starts; default 5m.
	Interval time.Duration
	// Timeout bounds one probe; default half the interval, at most 10m,
	// so that a result stays on /metrics for at least half an interval
	// before the next one replaces it.
	Timeout time.Duration
	// ForwardTo relays each of the target's deliveries to this consumer
	// (an http(s) URL), whose 2xx the probe then also needs, as check
	// --forward-to; "" relays nothing.
	ForwardTo string
	// Type is the notification type checked: webhook (default) or email.
	Type string
	// EmailFrom pins the sender of a type email target's mail (as check
	// --email-from): mail from another is a finding. "": any sender.
	EmailFrom string
}

// ConfigError is a bad setting, named by its config key: `monhook serve`
// exits 2 with it before listening.
type ConfigError struct {
	Key string
	Msg string
}

func (e *ConfigError) Error() string {
	if e.Key == webConfigKey {
		return fmt.Sprintf("config key %q (flag --%s): %s", e.Key, webConfigFlag, e.Msg)
	}
	if flag, ok := strings.CutPrefix(e.Key, "serve."); ok && !strings.ContainsAny(flag, ".[") && flag != "targets" {
		return fmt.Sprintf("config key %q (flag --%s): %s", e.Key, flag, e.Msg)
	}
	return fmt.Sprintf("config key %q: %s", e.Key, e.Msg)
}

func configErrorf(key, format string, args ...any) *ConfigError {
	return &ConfigError{Key: key, Msg: fmt.Sprintf(format, args...)}
}

// withDefaults fills unset fields.
func (c Config) withDefaults() Config {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.ReceiverListen == "" {
		c.ReceiverListen = DefaultReceiverListen
	}
	if c.MaxConcurrent == 0 {
		c.MaxConcurrent = DefaultMaxConcurrent
	}
	if c.ProbeTimeout == 0 {
		c.ProbeTimeout = DefaultProbeTimeout
	}
	if c.ProbeMinInterval == 0 {
		c.ProbeMinInterval = DefaultProbeMinInterval
	}
	if c.TimeoutOffset == 0 {
		c.TimeoutOffset = DefaultTimeoutOffset
	}
	if c.DrainTimeout == 0 {
		c.DrainTimeout = DefaultDrainTimeout
	}
	if c.Speed < 0 {
		c.Speed = 0
	}
	if c.History <= 0 {
		c.History = DefaultHistory
	}
	if c.InstanceID == "" {
		c.InstanceID = DeriveInstanceID(c.ReceiverListen)
	}
	if c.SweepInterval == 0 {
		c.SweepInterval = DefaultSweepInterval
	}
	for i := range c.Targets {
		t := &c.Targets[i]
		if t.Interval == 0 {
			t.Interval = DefaultInterval
		}
		if t.Timeout == 0 {
			t.Timeout = min(t.Interval/2, maxTargetTimeout)
		}
		if t.Cloud == "" {
			t.Cloud = c.DefaultCloud
		}
		if t.Type == "" {
			t.Type = TypeWebhook
		}
		if t.Name == "" {
			name := t.Scenario
			if t.ScenarioFile != "" {
				if sc, err := loadScenarioFile(t.ScenarioFile); err == nil {
					name = sc.Name
				}
			}
			t.Name = cloudLabel(t.Cloud) + "/" + name
			if t.Type == TypeEmail {
				// The webhook and the email path of one scenario are two
				// targets; one default name would refuse the pair.
				t.Name += "/email"
			}
		}
	}
	return c
}

// Validate checks the settings that need no cloud; the caller checks the
// clouds (they need clouds.yaml). Keys are the config file's.
func (c Config) Validate() error {
	for _, a := range []struct{ key, addr string }{{"serve.listen", c.Listen}, {"serve.receiver-listen", c.ReceiverListen}} {
		if _, _, err := net.SplitHostPort(a.addr); err != nil {
			return configErrorf(a.key, "%q: want host:port or :port", a.addr)
		}
	}
	if c.CallbackURL != "" {
		u, err := url.Parse(c.CallbackURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
			return configErrorf("serve.callback-url", "%q: want an http:// or https:// URL with a host and no query", c.CallbackURL)
		}
	}
	if c.WebConfigFile != "" {
		if err := validateWebConfig(c.WebConfigFile); err != nil {
			return configErrorf(webConfigKey, "%s: %v", c.WebConfigFile, err)
		}
	}
	switch {
	case (c.TLSCert == "") != (c.TLSKey == ""):
		return configErrorf("serve.tls-cert", "tls-cert and tls-key go together")
	case c.TLSCert != "":
		// Load the pair now: a missing or mismatched file is a bad setting
		// (exit 2), found before anything listens.
		if _, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey); err != nil {
			return configErrorf("serve.tls-cert", "%s with tls-key %s: %v", c.TLSCert, c.TLSKey, err)
		}
	}
	switch {
	case !ValidInstanceID(c.InstanceID):
		return configErrorf("serve.instance-id", "%q: want %d characters from a-z and 2-7", c.InstanceID, InstanceIDLength)
	case c.MaxConcurrent < 1:
		return configErrorf("serve.max-concurrent", "must be at least 1, got %d", c.MaxConcurrent)
	case c.ProbeTimeout <= 0:
		return configErrorf("serve.probe-timeout", "must be positive, got %s", c.ProbeTimeout)
	case c.TimeoutOffset < 0:
		return configErrorf("serve.timeout-offset", "must not be negative, got %s", c.TimeoutOffset)
	case c.SweepOlderThan < 0:
		return configErrorf("serve.sweep-older-than", "must not be negative, got %s", c.SweepOlderThan)
	case c.SweepInterval < 0:
		return configErrorf("serve.sweep-interval", "must be positive, got %s", c.SweepInterval)
	case c.DrainTimeout < 0:
		return configErrorf("serve.drain-timeout", "must not be negative, got %s", c.DrainTimeout)
	}
	names := map[string]int{}
	for i, t := range c.Targets {
		key := fmt.Sprintf("serve.targets[%d]", i)
		sc, err := t.loadScenario(key)
		if err != nil {
			return err
		}
		if t.Hostname != "" && !sc.NeedsAgent() {
			return configErrorf(key+".hostname", "%q: scenario %s posts its own metric and watches no agent host", t.Hostname, sc.Name)
		}
		if t.Interval < time.Second {
			return configErrorf(key+".interval", "must be at least 1s, got %s", t.Interval)
		}
		if t.Timeout <= 0 || t.Timeout > t.Interval {
			// One probe per target at a time: a timeout beyond the interval
			// would make every run overlap the next one.
			return configErrorf(key+".timeout", "must be positive and at most the interval (%s), got %s", t.Interval, t.Timeout)
		}
		if err := c.checkType(key+".type", t.Type); err != nil {
			return err
		}
		if t.EmailFrom != "" && t.Type != TypeEmail {
			return configErrorf(key+".email-from", "%q: only a type email target reads mail", t.EmailFrom)
		}
		if t.ForwardTo != "" && t.Type == TypeEmail {
			return configErrorf(key+".forward-to", "%q: a type email target relays nothing (no webhook arrives to relay)", t.ForwardTo)
		}
		if j, dup := names[t.Name]; dup {
			return configErrorf(key+".name", "%q is also the name of serve.targets[%d]", t.Name, j)
		}
		names[t.Name] = i
	}
	if c.SweepOlderThan > 0 && c.SweepOlderThan < c.MaxRun() {
		return configErrorf("serve.sweep-older-than", "%s is too young: must be at least %s, the longest a run can last (%s plus %s for teardown), or 0 for that minimum",
			c.SweepOlderThan, c.MaxRun(), c.MaxRun()-teardownAllowance, teardownAllowance)
	}
	return nil
}

// checkType accepts webhook and, with a mailbox configured, email.
func (c Config) checkType(key, typ string) error {
	switch typ {
	case TypeWebhook, "":
		return nil
	case TypeEmail:
		if c.Email == nil {
			return configErrorf(key, "email needs serve.email-to and serve.imap (the mailbox Monasca mails and where to read it)")
		}
		return nil
	}
	return configErrorf(key, "%q: want webhook or email", typ)
}

// loadScenario is the target's scenario, built-in or from its file; key
// prefixes the config key an error names.
func (t Target) loadScenario(key string) (*scenario, error) {
	switch {
	case t.Scenario != "" && t.ScenarioFile != "":
		return nil, configErrorf(key+".scenario-file", "give scenario or scenario-file, not both")
	case t.ScenarioFile != "":
		sc, err := loadScenarioFile(t.ScenarioFile)
		if err != nil {
			return nil, configErrorf(key+".scenario-file", "%v", err)
		}
		return sc, nil
	case t.Scenario == "":
		return nil, configErrorf(key+".scenario", "missing (one of %s, or scenario-file)", strings.Join(scenarioNames(), ", "))
	}
	sc, err := lookupScenario(t.Scenario)
	if err != nil {
		return nil, configErrorf(key+".scenario", "unknown scenario %q (one of %s)", t.Scenario, strings.Join(scenarioNames(), ", "))
	}
	return sc, nil
}

// MaxRun is the longest a run of this configuration can last: the longest
// deadline (serve.probe-timeout or a target's timeout) plus teardown. A
// marked resource older than that belongs to a run that is over.
func (c Config) MaxRun() time.Duration {
	longest := c.ProbeTimeout
	for _, t := range c.Targets {
		longest = max(longest, t.Timeout)
	}
	return longest + teardownAllowance
}

// sweepAge is the age from which the sweep deletes this instance's
// leftovers.
func (c Config) sweepAge() time.Duration {
	if c.SweepOlderThan > 0 {
		return c.SweepOlderThan
	}
	return c.MaxRun()
}

// teardownAllowance is what a probe may run past its timeout: teardown has
// its own deadline (DefaultTeardownTimeout of the runner, 30s), plus a
// margin.
const teardownAllowance = 40 * time.Second
