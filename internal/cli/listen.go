package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/monhook/monhook/internal/clock"
	"github.com/monhook/monhook/openstack"
	"github.com/monhook/monhook/output"
	"github.com/monhook/monhook/receiver"
	"github.com/monhook/monhook/receiver/jsonl"
	"github.com/monhook/monhook/register"
	"github.com/spf13/cobra"
)

type listenOptions struct {
	IO     *IOStreams
	Clock  clock.Clock
	Output string // table (readable lines), json or yaml

	Listen            string
	CallbackURL       string
	RouteTo           string
	Token             string
	Path              string
	Full              bool
	ForwardBestEffort bool
	TLSCert           string
	TLSKey            string
	RespondStatus     int
	FailFirst         int
	Delay             time.Duration
	MaxBody           int64
	Save              string
	SaveMaxSize       int64
	SaveKeep          int
	Fsync             bool
	ForwardTo         string

	// Register creates a WEBHOOK notification method for the listener (and
	// attaches it to Attach's actions for AttachOn), removed on exit.
	Register       bool
	Attach         string
	AttachOn       []string
	RegisterPeriod int
	// Expect makes listen a verdict: exit 0 once Expect deliveries of the
	// attached definition arrived, 1 after Timeout.
	Expect  int
	Timeout time.Duration
	Session func(context.Context) (*openstack.Session, error)

	// ready is called with the running receiver once it listens (tests).
	ready func(*receiver.Receiver)
}

// NewCmdListen builds `monhook listen`.
func NewCmdListen(f *Factory, runF func(context.Context, *listenOptions) error) *cobra.Command {
	opts := &listenOptions{IO: f.IO, Session: f.Session}
	var maxSize, maxBody string
	cmd := &cobra.Command{
		Use:   "listen",
		Short: "Run the webhook receiver on its own and show every delivery",
		Long: `Run monhook's webhook receiver standalone: a correct version of the receivers
people hand-write for Monasca. It answers only on an unguessable callback path,
or on exactly --path (other paths get 404 and are reported as strays on stderr;
with --path the 404 names the right URL), checks every body
against the payload monasca-notification sends (ten keys, alarm_timestamp an
integer, metrics a list of objects) and shows where it departs, never dropping it.

When it listens it prints "ready <callback-url>" on stderr. Each delivery is a
line on stdout (time, state transition, alarm name, alarm id, definition id,
the metric and its dimensions, source, findings; on a terminal wrapped to its
width between fields, in a pipe one line), followed by the whole body with
--full, or one JSON object per line with -o json. GET /healthz answers 200 with
the counters. With --save every delivery is written to a JSON Lines file before
it is answered, so one that was acknowledged survives monhook being killed;
--fsync also waits for the disk, so it survives a power loss. A delivery that
cannot be saved (disk full) is answered 503, and Monasca sends it again.

With --register (and OpenStack credentials) monhook creates a WEBHOOK
notification method pointing at the listener, named with monhook's marker, and
prints its id; --attach NAME adds it to that alarm definition's actions. Both
are removed on exit (monhook cleanup sweeps the method after a crash).
With --expect N, listen is a verdict for that definition: it exits 0 once N
of its deliveries arrived, each about an alarm of it in the project (GET
/v2.0/alarms/{id}) and, with --forward-to, answered 2xx by the consumer;
1 when --timeout passes first. It warns when the
definition's alarms already sit in the state that fires: Monasca notifies on
transitions only.

SIGINT or SIGTERM stops accepting, finishes in-flight requests, syncs the
file and exits 0.`,
		Example: `  monhook listen --listen :8080 --route-to monasca.example.com
  monhook listen --callback-url https://hooks.example.com:8443 --tls-cert c.pem --tls-key k.pem
  monhook listen --save deliveries.jsonl --save-max-size 100MiB --save-keep 5 -o json
  monhook listen --save deliveries.jsonl --fsync    # survive a power loss too
  monhook listen --fail-first 2 --delay 2s          # exercise Monasca's retry
  monhook listen --listen :3001 --path /openstack/alerts --full
  monhook listen --register --attach "cpu high" --attach-on alarm,ok   # like stripe listen
  monhook listen --register --attach "cpu high" --expect 1 --timeout 5m \
    --forward-to http://127.0.0.1:3001/openstack/alerts`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Output = f.Output()
			opts.Clock = f.Clock
			var err error
			if opts.SaveMaxSize, err = parseSize(maxSize); err != nil {
				return usageErrorf("--save-max-size: %v", err)
			}
			if opts.MaxBody, err = parseSize(maxBody); err != nil || opts.MaxBody <= 0 {
				return usageErrorf("--max-body: want a positive size such as 1MiB")
			}
			if err := opts.validate(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listenRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Listen, "listen", "", `address to listen on (default all interfaces, ephemeral port; e.g. ":8080")`)
	fl.StringVar(&opts.CallbackURL, "callback-url", "", "base URL the sender must use, for NAT and containers; the token path is appended")
	fl.StringVar(&opts.RouteTo, "route-to", "", "host[:port] of the sender (the Monasca host): the callback host is our address on the route toward it")
	fl.StringVar(&opts.Token, "token", "", "fixed secret path segment, for scripts (default random, 128 bits)")
	fl.StringVar(&opts.Path, "path", "", `serve deliveries on exactly this path, without a token (e.g. "/openstack/alerts", where existing notification methods point)`)
	fl.BoolVar(&opts.Full, "full", false, "print each delivery's whole body under its line")
	fl.StringVar(&opts.TLSCert, "tls-cert", "", "serve HTTPS with this PEM certificate (needs --tls-key)")
	fl.StringVar(&opts.TLSKey, "tls-key", "", "PEM private key for --tls-cert")
	fl.IntVar(&opts.RespondStatus, "respond-status", 200, "HTTP status to answer deliveries with")
	fl.IntVar(&opts.FailFirst, "fail-first", 0, "answer the first N deliveries with 500, to exercise the sender's retry")
	fl.DurationVar(&opts.Delay, "delay", 0, "hold each answer back this long (Monasca's sender times out after 5s by default)")
	fl.StringVar(&maxBody, "max-body", "1MiB", "largest accepted body; larger gets 413")
	fl.StringVar(&opts.Save, "save", "", "append each delivery to this JSON Lines file before answering it")
	fl.BoolVar(&opts.Fsync, "fsync", false, "with --save, answer only once the delivery is on disk (fsync; concurrent deliveries share one)")
	fl.StringVar(&maxSize, "save-max-size", "100MiB", "rotate the --save file at this size (0: never)")
	fl.IntVar(&opts.SaveKeep, "save-keep", 5, "rotated --save files to keep (FILE.1 … FILE.N)")
	fl.StringVar(&opts.ForwardTo, "forward-to", "", "relay each delivery's body to this URL and record its status and latency; when the relay fails the sender gets 502, so Monasca retries")
	fl.BoolVar(&opts.Register, "register", false, "with OpenStack credentials, create a WEBHOOK notification method pointing here (removed on exit; monhook cleanup sweeps it after a crash)")
	fl.StringVar(&opts.Attach, "attach", "", "with --register, add the method to the actions of the alarm definition of this name (restored on exit)")
	fl.StringSliceVar(&opts.AttachOn, "attach-on", []string{register.OnAlarm}, "with --attach, the states whose actions get the method: alarm, ok, undetermined")
	fl.IntVar(&opts.RegisterPeriod, "register-period", 0, "with --register, the method's period: 0 (once) or 60 (re-send while in ALARM)")
	fl.BoolVar(&opts.ForwardBestEffort, "forward-best-effort", false, "answer the sender as usual even when the --forward-to relay fails")
	fl.IntVar(&opts.Expect, "expect", 0, "with --attach, exit 0 once N deliveries of the definition arrived (and, with --forward-to, were answered 2xx), 1 after --timeout")
	fl.DurationVar(&opts.Timeout, "timeout", 10*time.Minute, "with --expect, how long to wait for the deliveries")
	return cmd
}

func (o *listenOptions) validate(cmd *cobra.Command) error {
	listen, err := normalizeListen("--listen", o.Listen)
	if err != nil {
		return err
	}
	o.Listen = listen
	if o.CallbackURL != "" && o.RouteTo != "" {
		warnf(o.IO, "--route-to has no effect with --callback-url: the callback host is the one given")
	}
	if err := checkTLSPair(o.TLSCert, o.TLSKey); err != nil {
		return err
	}
	switch {
	case o.RespondStatus < 100 || o.RespondStatus > 599:
		return usageErrorf("--respond-status %d is not an HTTP status", o.RespondStatus)
	case o.FailFirst < 0:
		return usageErrorf("--fail-first must not be negative")
	case o.Delay < 0:
		return usageErrorf("--delay must not be negative")
	case o.Path != "" && o.Token != "":
		return usageErrorf("--path and --token exclude each other: --path serves exactly that path, without a token")
	case o.Path != "" && !strings.HasPrefix(o.Path, "/"):
		return usageErrorf("--path %q must start with /", o.Path)
	case o.ForwardBestEffort && o.ForwardTo == "":
		return usageErrorf("--forward-best-effort needs --forward-to")
	case !o.Register && (o.Attach != "" || cmd.Flags().Changed("register-period")):
		return usageErrorf("--attach and --register-period need --register")
	case o.Attach == "" && cmd.Flags().Changed("attach-on"):
		return usageErrorf("--attach-on needs --attach")
	case o.Expect < 0:
		return usageErrorf("--expect must not be negative")
	case o.Expect > 0 && o.Attach == "":
		return usageErrorf("--expect needs --register --attach DEFINITION: it counts the deliveries of that definition")
	case cmd.Flags().Changed("timeout") && o.Expect == 0:
		return usageErrorf("--timeout needs --expect")
	case o.Timeout <= 0:
		return usageErrorf("--timeout must be positive, got %s", o.Timeout)
	case o.Expect > 0 && o.ForwardBestEffort:
		return usageErrorf("--forward-best-effort and --expect exclude each other: the verdict needs the consumer's 2xx")
	case o.RegisterPeriod != 0 && o.RegisterPeriod != 60:
		return usageErrorf("--register-period %d: Monasca accepts 0 or 60", o.RegisterPeriod)
	case o.SaveKeep < 0:
		return usageErrorf("--save-keep must not be negative")
	case o.Save == "" && (cmd.Flags().Changed("save-max-size") || cmd.Flags().Changed("save-keep") || o.Fsync):
		return usageErrorf("--save-max-size, --save-keep and --fsync need --save")
	}
	return nil
}

// openSave opens the --save file; a variable so a test can see the
// options the flags became (an --fsync dropped on the way would otherwise
// go unnoticed: the file looks the same).
var openSave = jsonl.Open

func listenRun(ctx context.Context, o *listenOptions) error {
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	p := newDeliveryPrinter(o.IO, o.Output, o.Full)
	ropts := receiver.Options{
		Listen:            o.Listen,
		CallbackURL:       o.CallbackURL,
		RouteTo:           o.RouteTo,
		Token:             o.Token,
		FixedPath:         o.Path,
		ForwardBestEffort: o.ForwardBestEffort,
		MaxBody:           o.MaxBody,
		RespondStatus:     o.RespondStatus,
		FailFirst:         o.FailFirst,
		Delay:             o.Delay,
		TLSCert:           o.TLSCert,
		TLSKey:            o.TLSKey,
		ForwardTo:         o.ForwardTo,
		OnDelivery:        p.delivery,
		OnStray:           p.stray,
		OnTLSError:        p.tlsError,
	}
	var save *jsonl.Writer
	if o.Save != "" {
		w, err := openSave(o.Save, jsonl.Options{MaxSize: o.SaveMaxSize, Keep: o.SaveKeep, Fsync: o.Fsync})
		if err != nil {
			// A file that cannot be opened is the operator's setting to
			// fix, found before anything listens.
			return usageErrorf("--save %s: %v", o.Save, unwrapPathError(err))
		}
		save = w
		// Written to the file before the answer: an acknowledged delivery
		// is a saved one, and a failed save answers 503 so Monasca retries.
		ropts.Persist = func(d receiver.Delivery) error {
			buf := d.AppendJSON(make([]byte, 0, 1024))
			return w.Write(buf)
		}
	}
	closeSave := func() error {
		if save == nil {
			return nil
		}
		return save.Close()
	}

	var sess *openstack.Session
	if o.Register {
		for _, s := range o.AttachOn {
			if !slices.Contains([]string{register.OnAlarm, register.OnOK, register.OnUndetermined}, s) {
				_ = closeSave()
				return usageErrorf("--attach-on %q: want alarm, ok or undetermined", s)
			}
		}
		var err error
		if sess, err = o.Session(ctx); err != nil {
			_ = closeSave()
			return err
		}
		if ropts.RouteTo == "" && ropts.CallbackURL == "" {
			// Monasca must reach us: use our address on the route toward it.
			ropts.RouteTo = endpointHostOf(sess)
		}
	}

	r, err := receiver.New(ropts)
	if err != nil {
		return errors.Join(usageErrorf("%v", err), closeSave())
	}
	if err := r.Start(); err != nil {
		return cannotRun(errors.Join(err, closeSave()))
	}
	for _, w := range r.Warnings() {
		p.status("warning: %s", w)
	}
	var reg *register.Registration
	if sess != nil {
		if reg, err = registerListener(ctx, o, sess, r.CallbackURL(), p); err != nil {
			_ = r.Close()
			_ = closeSave()
			return err
		}
	}
	if reg != nil && reg.DefinitionID != "" {
		warnAlreadyFiring(ctx, sess, reg, o.AttachOn, p)
	}
	p.status("ready %s", r.CallbackURL())
	if o.ready != nil {
		o.ready(r)
	}

	var verdict error
	if o.Expect > 0 {
		verdict = awaitExpected(ctx, o, sess, r, reg, p)
	} else {
		<-ctx.Done()
	}

	// Unregister first, so Monasca stops sending; then stop accepting, let
	// in-flight requests finish (their saves included), then sync and close
	// the file.
	var errs []error
	if reg != nil {
		errs = append(errs, unregisterListener(reg, p))
	}
	errs = append(errs, r.Close(), closeSave())
	s := r.Stats()
	summary := "stopped: " + output.Count(s.Deliveries, "delivery", "deliveries") + ", " + output.Count(s.Strays, "stray", "strays")
	if s.TLSErrors > 0 {
		summary += ", " + output.Count(s.TLSErrors, "failed TLS handshake", "failed TLS handshakes")
	}
	if save != nil {
		summary += fmt.Sprintf(", %d saved to %s", save.Lines(), o.Save)
	}
	p.status("%s", summary)
	if err := errors.Join(errs...); err != nil {
		var ee *ExitError
		if errors.As(err, &ee) {
			return err // leftovers: exit 4 stands over the verdict
		}
		return cannotRun(err)
	}
	return verdict
}
