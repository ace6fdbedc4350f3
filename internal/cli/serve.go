package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/monhook/monhook/check"
	"github.com/monhook/monhook/exitcode"
	"github.com/monhook/monhook/internal/lab"
	canary "github.com/monhook/monhook/internal/serve"
	"github.com/monhook/monhook/openstack"
	"github.com/monhook/monhook/output"
)

type serveOptions struct {
	IO         *IOStreams
	Version    string
	Debug      func() bool
	AuthFlags  func() openstack.AuthFlags
	ConfigFile func() string

	Config       canary.Config
	webConfigKey string // serve.web-config-file from the config file
	Lab          bool
	LabHosts     int
	LabFaults    labFaults
	EmailTo      string
	EmailFrom    string
	IMAP         string

	// load reads the configuration again for a reload (SIGHUP,
	// POST /-/reload); set by the command, nil when built alone.
	load func() (canary.Config, error)
	// hup delivers SIGHUP; nil: the process's own (signal.Notify).
	hup <-chan os.Signal

	// started, when set, is called once the server listens (tests).
	started func(*canary.Server)
}

// NewCmdServe builds `monhook serve`.
func NewCmdServe(f *Factory, runF func(context.Context, *serveOptions) error) *cobra.Command {
	o := &serveOptions{IO: f.IO, Version: f.Version, Debug: f.Debug, AuthFlags: f.AuthFlags,
		ConfigFile: func() string { return f.globals().ConfigFile }}
	cmd := &cobra.Command{
		// serve.targets is read by loadServeTargets, not bound to a flag.
		Annotations: map[string]string{configKeysAnnotation: "targets"},
		Use:         "serve",
		Short:       "Run the check continuously as a Prometheus exporter (a Monasca notification canary)",
		Long: `Runs the check as a long-lived Prometheus exporter, in blackbox_exporter's
multi-target shape, so that a broken Monasca notification path (a dead
notification engine, Kafka lag, a firewall change on the callback port, an
expired service password) alerts before anyone needs a notification.

Endpoints (on --listen, default ` + canary.DefaultListen + `):
  GET /probe?scenario=NAME[&cloud=NAME][&hostname=H][&type=email][&debug=true]
        runs one check and answers its metrics: monhook_probe_success (1 only
        with proof: every expected notification arrived and matched Monasca's
        payload, nothing leaked), monhook_probe_duration_seconds, probe_success
        and probe_duration_seconds (blackbox_exporter's names),
        monhook_stage_duration_seconds{stage}, monhook_stage_success{stage},
        monhook_probe_failed_stage{stage}, monhook_delivery_latency_seconds
        (trigger to first arrival), monhook_deliveries{result},
        monhook_leaked_resources. target= and module= are aliases of cloud=
        and scenario=. A failed probe is still 200; an unknown scenario,
        cloud or parameter is 400. The deadline is Prometheus'
        X-Prometheus-Scrape-Timeout-Seconds minus --timeout-offset, at most
        --probe-timeout; the check stops a fifth earlier (at most 5s) so
        that teardown and the answer fit in it. cloud is a clouds.yaml
        entry; omitted = the OS_* environment (--os-cloud/OS_CLOUD), or the
        lab with --lab. Concurrent requests for the same scenario and cloud
        share one run, and one within --probe-min-interval after it gets its
        result: a scrape storm runs nothing more. hostname= is the agent
        host an agent scenario watches (as --hostname). type=email checks the
        EMAIL path through the mailbox of --email-to and --imap (password:
        $MONHOOK_IMAP_PASSWORD); with --lab, through the lab's own.
  GET /metrics   the exporter's own metrics (monhook_probes_total, sweeps,
                 reloads, Go and process) and each scheduled target's last
                 result, labelled target/cloud/scenario/type and stamped with
                 the time it finished
  GET /healthz   200 "ok"; 503 while draining
  GET /          targets with their last result, recent probes, links to reports
  GET /report?target=NAME | ?run=RUNID   the JSON report of a recent probe
  POST /-/reload reloads the configuration, as SIGHUP does

One receiver serves every probe for the process lifetime on --receiver-listen
(default ` + canary.DefaultReceiverListen + `): open that one port toward monasca-notification;
each probe gets its own unguessable token path under --callback-url. At most
one probe per target runs at a time, at most --max-concurrent in all. Every
probe tears down what it created. The sweep, at start-up and every
--sweep-interval, deletes this instance's leftovers (run ids begin with the
instance id, derived from --receiver-listen): what its own finished runs
could not delete, and any at least --sweep-older-than old, an age no run in
flight reaches, so a kill -9's leftovers go and a twin's runs stay; where
email probes run, this instance's run mail of that age in the mailbox too.
SIGTERM drains: probes in flight get --drain-timeout to finish, are then
cancelled (teardown still runs), and serve exits 0. SIGHUP and
POST /-/reload read the config file (settings and serve.targets) again:
validated first, a bad file keeps the running configuration and says why;
runs in flight finish; --listen, --receiver-listen, the TLS files,
--web.config.file's path, --instance-id and --max-concurrent change only at
a restart.

Config file keys (--config), under serve: every flag by name, e.g.
  serve:
    listen: ":10070"
    receiver-listen: ":10071"
    callback-url: http://203.0.113.10:10071
    max-concurrent: 20
    targets:                 # probed in the background, results on /metrics
      - cloud: prod          # clouds.yaml entry; omitted = OS_* environment
        scenario: synthetic  # see monhook scenarios; or scenario-file: FILE
        hostname: HOST       # agent scenarios only, as check --hostname
        interval: 5m         # default 5m
        timeout: 3m          # default: half the interval, at most 10m;
                             # never more than the interval
        name: prod-synthetic # default <cloud>/<scenario>[/email]
        type: email          # default webhook; email needs email-to and imap
        email-from: ADDRESS  # type email: the sender to expect (check's
                             # --email-from); default any
A bad setting exits 2 naming its key, before anything listens.
--web.config.file takes the web configuration file every Prometheus exporter
takes (exporter-toolkit: tls_server_config, basic_auth_users with bcrypt
hashes); give Prometheus the matching basic_auth or tls_config.`,
		Example: `  monhook serve --lab                                   # against the built-in lab
  curl 'http://127.0.0.1:10070/probe?scenario=synthetic'
  monhook serve --os-cloud prod --callback-url http://203.0.113.10:10071
  monhook serve --config /etc/monhook/config.yaml       # with serve.targets
  curl 'http://127.0.0.1:10070/probe?scenario=api-state&cloud=prod&debug=true'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.LabHosts < 1 {
				return usageErrorf("--lab-hosts must be at least 1, got %d", o.LabHosts)
			}
			// The --speed range check and lab share (0: not given).
			if cmd.Flags().Changed("speed") || o.Config.Speed != 0 {
				if err := validateSpeed(o.Config.Speed); err != nil {
					return err
				}
			}
			if err := o.LabFaults.validate("lab-", false); err != nil {
				return err
			}
			if !o.Lab {
				if err := labFlagsNeedLab(o.IO, cmd); err != nil {
					return err
				}
			}
			warnOutputIgnored(o.IO, cmd, f.Global.Output, "its results are served over HTTP (/probe, /metrics)")
			// A bare port is ":PORT", as for check, listen and lab.
			for _, a := range []struct {
				flag string
				addr *string
			}{{"--listen", &o.Config.Listen}, {"--receiver-listen", &o.Config.ReceiverListen}} {
				addr, err := normalizeListen(a.flag, *a.addr)
				if err != nil {
					return err
				}
				*a.addr = addr
			}
			// The flags have defaults, so a zero here was asked for (the
			// serve package would read it as "default").
			if o.Config.MaxConcurrent < 1 {
				return usageError(&canary.ConfigError{Key: "serve.max-concurrent", Msg: fmt.Sprintf("must be at least 1, got %d", o.Config.MaxConcurrent)})
			}
			if o.Config.ProbeTimeout <= 0 {
				return usageError(&canary.ConfigError{Key: "serve.probe-timeout", Msg: fmt.Sprintf("must be positive, got %s", o.Config.ProbeTimeout)})
			}
			if !cmd.Flags().Changed("web.config.file") && o.webConfigKey != "" {
				o.Config.WebConfigFile = o.webConfigKey
			}
			targets, err := loadServeTargets(o.ConfigFile())
			if err != nil {
				return err
			}
			o.Config.Targets = targets
			if err := o.mailbox(); err != nil {
				return err
			}
			o.load = serveLoader(f, commandLineArgs(cmd), o.Lab)
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return serveRun(cmd.Context(), o)
		},
	}
	c := &o.Config
	fl := cmd.Flags()
	fl.StringVar(&c.Listen, "listen", canary.DefaultListen, "HTTP address of /probe, /metrics, /healthz and the index page (host:port, :port or a bare port)")
	fl.StringVar(&c.ReceiverListen, "receiver-listen", canary.DefaultReceiverListen, "the one webhook receiver's address, host:port, :port or a bare port (the port to open toward monasca-notification)")
	fl.StringVar(&c.CallbackURL, "callback-url", "", "base URL Monasca calls, each probe adds its token (default: the local address of the route toward the cloud's Monasca, on the receiver's port)")
	fl.StringVar(&c.WebConfigFile, "web.config.file", "", "exporter-toolkit web configuration (TLS, basic auth) for --listen: /probe writes to Monasca, do not leave it open")
	// The config file's key: viper reads dots as nesting, so the file
	// says serve.web-config-file; the command line's flag wins.
	fl.StringVar(&o.webConfigKey, "web-config-file", "", "config file key for --web.config.file")
	_ = fl.MarkHidden("web-config-file")
	fl.StringVar(&c.TLSCert, "tls-cert", "", "serve the receiver over HTTPS with this PEM certificate (monasca-notification must trust it)")
	fl.StringVar(&c.TLSKey, "tls-key", "", "PEM key for --tls-cert")
	fl.StringVar(&c.InstanceID, "instance-id", "", "4 characters (a-z, 2-7) that begin every run id of this instance (default: derived from --receiver-listen)")
	fl.IntVar(&c.MaxConcurrent, "max-concurrent", canary.DefaultMaxConcurrent, "probes in flight at most, across all targets")
	fl.DurationVar(&c.ProbeTimeout, "probe-timeout", canary.DefaultProbeTimeout, "a /probe's deadline without Prometheus' timeout header, and its cap with it")
	fl.DurationVar(&c.ProbeMinInterval, "probe-min-interval", canary.DefaultProbeMinInterval, "a /probe this soon after a run of the same cloud and scenario finished gets its result, no new run (negative: always run)")
	fl.DurationVar(&c.TimeoutOffset, "timeout-offset", canary.DefaultTimeoutOffset, "taken off Prometheus' scrape timeout so the answer arrives in time")
	fl.DurationVar(&c.SweepOlderThan, "sweep-older-than", 0, "the sweep deletes this instance's leftovers at least this old (default: the longest a run can last, the longest timeout plus 40s)")
	fl.DurationVar(&c.SweepInterval, "sweep-interval", canary.DefaultSweepInterval, "how often the sweep runs after the one at start-up")
	fl.BoolVar(&c.NoSweep, "no-sweep", false, "never sweep this instance's leftovers")
	fl.DurationVar(&c.DrainTimeout, "drain-timeout", canary.DefaultDrainTimeout, "on SIGTERM, how long probes in flight may still run before they are cancelled")
	fl.Float64Var(&c.Speed, "speed", 0, "how many times faster than real Monasca the clouds run; scales scenario timings (default 60 with --lab, else 1)")
	fl.BoolVar(&o.Lab, "lab", false, "probe the built-in Monasca lab (cloud \"\" or \"lab\") instead of clouds")
	fl.IntVar(&o.LabHosts, "lab-hosts", 3, "with --lab: simulated agent hosts")
	o.LabFaults.addFlags(fl, "lab-", "with --lab: ")
	fl.StringVar(&o.EmailTo, "email-to", "", "for type=email probes: the address their EMAIL methods mail")
	fl.StringVar(&o.EmailFrom, "email-from", "", "for type=email probes: the sender their mail must come from (default: any; a target's email-from wins)")
	fl.StringVar(&o.IMAP, "imap", "", "for type=email probes: where to read it, imaps://USER@HOST/INBOX (password: $"+EnvIMAPPassword+" or a prompt)")
	return cmd
}

// mailbox settles the type=email mailbox before anything listens: both
// flags or neither, the password from the environment or a prompt.
func (o *serveOptions) mailbox() error {
	if err := validateEmailFrom("--email-from", o.EmailFrom); err != nil {
		return err
	}
	if o.EmailTo == "" && o.IMAP == "" {
		if o.EmailFrom != "" && !o.Lab {
			return usageErrorf("--email-from needs --email-to and --imap (the mailbox type=email probes read)")
		}
		return nil
	}
	if o.Lab {
		return usageErrorf("--email-to, --imap: --lab runs its own SMTP server and mailbox")
	}
	if o.EmailTo == "" || o.IMAP == "" {
		return usageErrorf("--email-to and --imap go together")
	}
	f := emailFlags{Type: "email", EmailTo: o.EmailTo, EmailFrom: o.EmailFrom, IMAP: o.IMAP}
	if err := f.validateMailbox(o.IO); err != nil {
		return err
	}
	o.Config.Email = f.options()
	return nil
}

// loadServeTargets reads serve.targets from the config file (the one named
// by --config, else the default one when it exists).
func loadServeTargets(explicit string) ([]canary.Target, error) {
	path := explicit
	if path == "" {
		path = defaultConfigPath()
	}
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if explicit == "" && errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, usageErrorf("config file: %v", err)
	}
	targets, err := canary.ParseTargets(data)
	if err != nil {
		return nil, usageErrorf("config file %s: %v", path, err)
	}
	return targets, nil
}

// usageError is a configuration error (exit 2) that already says what is wrong.
func usageError(err error) error { return &ExitError{Code: exitcode.Of(exitcode.Usage), Err: err} }

func serveRun(ctx context.Context, o *serveOptions) error {
	// serve's log lines come from many goroutines (probes, the sweep,
	// the HTTP listener) and its own lines from this one: one lock keeps
	// each line whole.
	errOut := &lockedWriter{w: o.IO.ErrOut}
	cfg := effectiveServeConfig(o)
	resolve := func(cloud string) (canary.ConnectFunc, error) { return resolveCloud(o.AuthFlags(), cloud) }
	labSpeed := newLabSpeeds(ctx, o.AuthFlags).of
	if o.Lab {
		opts := lab.Options{Speed: cfg.Speed, Hosts: o.LabHosts}
		o.LabFaults.apply(&opts)
		// type=email probes mail through the lab's own SMTP server into
		// its own mailbox.
		ms, eo, err := startLabMailbox()
		if err != nil {
			return err
		}
		defer ms.Close()
		eo.From = o.EmailFrom // the lab mails from its own sender
		cfg.Email, opts.SMTP.Addr = eo, ms.SMTPAddr()
		l := lab.New(opts)
		if err := l.Start(ctx); err != nil {
			return cannotRun(fmt.Errorf("starting the lab: %w", err))
		}
		defer l.Close()
		connect := labConnect(l, errOut, o.Debug(), o.Version)
		labSpeed = func(string) float64 { return cfg.Speed }
		resolve = func(cloud string) (canary.ConnectFunc, error) {
			if cloud != "" && cloud != "lab" {
				return nil, fmt.Errorf("unknown cloud: with --lab the only cloud is the lab (\"\" or \"lab\")")
			}
			return connect, nil
		}
	}
	load := o.load
	if load != nil && o.Lab {
		// The lab's mailbox keeps running across reloads, as the lab does.
		load = func() (canary.Config, error) {
			c, err := o.load()
			c.Email = cfg.Email
			return c, err
		}
	}
	srv, err := canary.New(canary.Options{
		Config:   cfg,
		Resolve:  resolve,
		Logger:   slog.New(slog.NewTextHandler(errOut, nil)),
		Load:     load,
		LabSpeed: labSpeed,
	})
	var ce *canary.ConfigError
	if errors.As(err, &ce) {
		return usageError(err)
	}
	if err != nil {
		return cannotRun(err)
	}
	if err := srv.Start(); err != nil {
		return cannotRun(err)
	}
	fmt.Fprintf(errOut, "monhook serve: %s (receiver on %s, instance %s, %s)\n",
		srv.URL(), srv.ReceiverAddr(), srv.Config().InstanceID, output.Count(len(srv.Config().Targets), "scheduled target", "scheduled targets"))
	if o.started != nil {
		o.started(srv)
	}
	// SIGHUP reloads, as for Prometheus and its exporters; it never stops
	// serve (its default action would kill the process mid-probe).
	hup := o.hup
	if hup == nil {
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, syscall.SIGHUP)
		defer signal.Stop(ch)
		hup = ch
	}
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-hup:
			if notes, err := srv.ReloadFromSource(); err != nil {
				fmt.Fprintf(errOut, "monhook serve: SIGHUP: configuration not reloaded, the running one stays: %v\n", err)
			} else {
				fmt.Fprintf(errOut, "monhook serve: SIGHUP: configuration reloaded (%s)\n",
					output.Count(len(srv.Config().Targets), "scheduled target", "scheduled targets"))
				for _, n := range notes {
					fmt.Fprintf(errOut, "monhook serve: %s\n", n)
				}
			}
		}
	}
	// Draining is the normal way to stop a server: exit 0 once it is done.
	sctx, cancel := context.WithTimeout(context.Background(), srv.Config().DrainTimeout+check.DefaultTeardownTimeout+10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return cannotRun(fmt.Errorf("shutting down: %w", err))
	}
	fmt.Fprintln(errOut, "monhook serve: drained, bye")
	return nil
}

// resolveCloud checks that a cloud's settings resolve (clouds.yaml entry
// or OS_* environment) and returns how to authenticate against it.
func resolveCloud(flags openstack.AuthFlags, cloud string) (canary.ConnectFunc, error) {
	if cloud != "" {
		flags.Cloud = cloud
	}
	if _, err := openstack.Resolve(flags); err != nil {
		return nil, err
	}
	return func(ctx context.Context) (canary.Conn, error) {
		s, err := openstack.Connect(ctx, flags)
		if err != nil {
			return canary.Conn{}, openstack.Explain(err)
		}
		return canary.Conn{Client: s.Monitoring, ProjectID: s.ProjectID}, nil
	}, nil
}

// lockedWriter serialises writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
