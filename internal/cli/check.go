package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/monhook/monhook/check"
	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/exitcode"
	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/marker"
	"github.com/monhook/monhook/openstack"
	"github.com/monhook/monhook/output"
	"github.com/monhook/monhook/receiver"
	"github.com/monhook/monhook/receiver/jsonl"
	"github.com/monhook/monhook/scenarios"
)

// defaultLabSpeed compresses the lab's Monasca timings 60× (a 60 s period
// lasts 1 s), so `check --lab` finishes in seconds.
const defaultLabSpeed = 60

type checkOptions struct {
	IO        *IOStreams
	Version   string
	Output    func() string
	Debug     func() bool
	AuthFlags func() openstack.AuthFlags
	Session   func(context.Context) (*openstack.Session, error)

	Scenario     string
	ScenarioFile string
	Hostname     string
	Timeout      time.Duration
	Keep         bool
	JUnit        string
	Save         string

	Listen           string
	CallbackURL      string
	SkipCallbackTest bool
	ForwardTo        string
	TLSCert          string
	TLSKey           string

	Email emailFlags

	Lab       bool
	Speed     float64
	LabHosts  int
	LabFaults labFaults

	// timeoutSet: --timeout was given (not the default), so a run it cuts
	// short below the scenario's minimum names it.
	timeoutSet bool

	// Abandon closes on a second, later Ctrl-C: teardown is cut short.
	Abandon <-chan struct{}

	// labSMTP is the lab notifier's smarthost (--lab --type email).
	labSMTP string

	// progress, when set, is told each stage as it starts (tests).
	progress func(stage string)
}

// NewCmdCheck builds `monhook check`.
func NewCmdCheck(f *Factory, runF func(context.Context, *checkOptions) error) *cobra.Command {
	o := &checkOptions{IO: f.IO, Version: f.Version, Output: f.Output, Debug: f.Debug, AuthFlags: f.AuthFlags, Session: f.Session,
		Abandon: f.Abandon}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Prove that Monasca delivers an alarm notification to a webhook (or by email)",
		Long: `Runs a scenario stage by stage: auth, preflight, receiver, notification method,
alarm definition, trigger, alarm, delivery, teardown. Everything created is removed
at the end, also on failure, timeout and Ctrl-C (unless --keep).

Preflight goes by what the Monasca API shows, never by a version: without the
notification types endpoint (before Newton) methods are created without period,
and scenarios needing period or last() exit 2 before anything is created. The
report names the API's flavor (python, java) and features (target.api).

Before creating anything, check POSTs a probe to the callback URL (token path
included) and stops with exit 3 when it does not reach its own receiver: a
wrong host or port, or another service answering there. With --forward-to
each delivery is relayed to your consumer, and the verdict needs its 2xx too.

--type email checks the EMAIL path instead: the method mails --email-to, the
delivery stage reads the mail back over IMAP from --imap (password:
$MONHOOK_IMAP_PASSWORD, else a prompt); teardown deletes this run's mail.
--email-from pins the sender: this run's mail from another is a finding.

The report (a stage table, or -o json|yaml) goes to stdout; progress to stderr.` + "\n" + exitcode.Help,
		Example: `  monhook check --lab
  monhook check --os-cloud prod --scenario synthetic
  monhook check --scenario cpu-idle --hostname compute-3 --timeout 10m
  monhook check -o json --junit report.xml --callback-url http://203.0.113.10:8080 --listen :8080
  monhook check --lab --forward-to http://127.0.0.1:3001/openstack/alerts
  monhook check --lab --type email -s ok-cycle
  monhook check --type email --email-to canary@example.org \
      --imap imaps://canary%40example.org@imap.example.org/INBOX`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.validate(cmd); err != nil {
				return o.withUsageReport(cmd, err)
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return o.withUsageReport(cmd, checkRun(cmd.Context(), o))
		},
	}
	// A flag that does not parse is a usage error too: report it with
	// what was parsed before it (-o, --junit given earlier on the line).
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return o.withUsageReport(c, flagError(c, err))
	})
	fl := cmd.Flags()
	fl.StringVarP(&o.Scenario, "scenario", "s", "cpu-idle", "built-in scenario (see monhook scenarios)")
	fl.StringVar(&o.ScenarioFile, "scenario-file", "", "load the scenario from a YAML file instead")
	fl.StringVar(&o.Hostname, "hostname", "", "host whose agent metric the alarm watches (default: the most recently reporting)")
	fl.DurationVar(&o.Timeout, "timeout", 10*time.Minute, "overall deadline; running out fails the check (exit 1) in any stage, and teardown still runs after it")
	fl.BoolVar(&o.Keep, "keep", false, "keep the created resources (no teardown) and list them")
	fl.StringVar(&o.JUnit, "junit", "", "also write a JUnit XML report (one testcase per stage) to this file")
	fl.StringVar(&o.Save, "save", "", "append the raw deliveries to this JSON Lines file (as listen --save does)")
	fl.StringVar(&o.Listen, "listen", "", "receiver listen address (default: all interfaces, ephemeral port)")
	fl.StringVar(&o.CallbackURL, "callback-url", "", "URL Monasca must call, for NAT or containers (default: the local address of the route toward Monasca)")
	fl.BoolVar(&o.SkipCallbackTest, "skip-callback-test", false, "skip the probe POST to the callback URL (for a URL reachable only from the notifier's network)")
	fl.StringVar(&o.ForwardTo, "forward-to", "", "relay each delivery to your consumer at this URL; it must answer 2xx too (else Monasca gets 502)")
	fl.StringVar(&o.TLSCert, "tls-cert", "", "serve the receiver over HTTPS with this PEM certificate")
	fl.StringVar(&o.TLSKey, "tls-key", "", "PEM key for --tls-cert")
	fl.BoolVar(&o.Lab, "lab", false, "run against the built-in Monasca lab instead of a cloud")
	fl.Float64Var(&o.Speed, "speed", 0, fmt.Sprintf("how many times faster than real Monasca the target runs, %d to %d; scales the scenario's timings (default 60 with --lab, a monhook lab's own speed against one, else 1)", MinSpeed, MaxSpeed))
	fl.IntVar(&o.LabHosts, "lab-hosts", 3, "with --lab: simulated agent hosts")
	o.LabFaults.addFlags(fl, "lab-", "with --lab: ")
	o.Email.addFlags(fl)
	return cmd
}

// validate checks every option before anything runs (no API call, no
// lab), so a mistake is exit 2 naming the flag, never a finished run that
// then cannot write its report.
func (o *checkOptions) validate(cmd *cobra.Command) error {
	if err := checkTLSPair(o.TLSCert, o.TLSKey); err != nil {
		return err
	}
	o.timeoutSet = cmd.Flags().Changed("timeout")
	switch {
	case o.Timeout <= 0:
		return usageErrorf("--timeout must be positive, got %s", o.Timeout)
	case o.LabHosts < 1:
		return usageErrorf("--lab-hosts must be at least 1, got %d", o.LabHosts)
	case cmd.Flags().Changed("scenario") && o.ScenarioFile != "":
		return usageErrorf("give --scenario or --scenario-file, not both")
	case o.Keep && o.Lab:
		return usageErrorf("--keep does not work with --lab: the in-process lab, and everything in it, vanishes when " +
			"check exits, so nothing could be inspected or removed with `monhook cleanup` later; " +
			"run `monhook lab > lab.env` in another terminal, source lab.env and run check --keep against it")
	}
	if err := o.LabFaults.validate("lab-", false); err != nil {
		return err
	}
	// 0 is the flag's "not given" (60 with --lab, else 1); given, it is
	// checked like any other value.
	if cmd.Flags().Changed("speed") || o.Speed != 0 {
		if err := validateSpeed(o.Speed); err != nil {
			return err
		}
	}
	listen, err := normalizeListen("--listen", o.Listen)
	if err != nil {
		return err
	}
	o.Listen = listen
	if o.JUnit != "" {
		if err := checkWritableFile("--junit", o.JUnit); err != nil {
			return err
		}
	}
	if o.Save != "" {
		if fi, err := os.Stat(o.Save); err == nil && fi.IsDir() {
			return usageErrorf("--save %s is a directory; --save takes a JSON Lines file, e.g. %s", o.Save, filepath.Join(o.Save, "deliveries.jsonl"))
		}
		if err := checkWritableDir("--save", o.Save, filepath.Dir(o.Save)); err != nil {
			return err
		}
	}
	if err := o.checkIneffective(cmd); err != nil {
		return err
	}
	if o.ForwardTo != "" {
		u, err := url.Parse(o.ForwardTo)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageErrorf("--forward-to %q: want an http:// or https:// URL with a host, e.g. http://127.0.0.1:3001/", o.ForwardTo)
		}
	}
	if o.CallbackURL != "" {
		u, err := url.Parse(o.CallbackURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			// Monasca rejects a webhook address without an http(s) scheme
			// and a host (reference §3): say so before creating anything.
			return usageErrorf("--callback-url %q: want an http:// or https:// URL with a host", o.CallbackURL)
		}
	}
	return o.Email.validate(cmd, o.IO, o.Lab)
}

// loadScenario returns the scenario named by the options; a bad name or
// file is a usage error naming what is wrong.
func (o *checkOptions) loadScenario() (*scenarios.Scenario, error) {
	var (
		sc  *scenarios.Scenario
		err error
	)
	if o.ScenarioFile != "" {
		sc, err = scenarios.LoadFile(o.ScenarioFile)
		var pe *fs.PathError
		if errors.As(err, &pe) {
			// A file that cannot be read: name the flag, not only the path.
			return nil, usageErrorf("--scenario-file %s: %v", o.ScenarioFile, pe.Err)
		}
	} else {
		sc, err = scenarios.Builtin(o.Scenario)
		err = scenarioSuggestion(err, o.Scenario)
	}
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	return sc, nil
}

func checkRun(ctx context.Context, o *checkOptions) (err error) {
	sc, err := o.loadScenario()
	if err != nil {
		return err
	}
	if o.Email.email() {
		if err := emailScenario(sc); err != nil {
			return err
		}
	}
	if o.Hostname != "" && !sc.NeedsAgent() {
		warnf(o.IO, "--hostname has no effect: scenario %s posts its own metric (%s) and watches no agent host", sc.Name, sc.Metric.Name)
	}
	runner := &check.Runner{
		Scenario: sc,
		Hostname: o.Hostname,
		Keep:     o.Keep,
		Abandon:  o.Abandon,
		Receiver: receiver.Options{Listen: o.Listen, CallbackURL: o.CallbackURL, TLSCert: o.TLSCert, TLSKey: o.TLSKey,
			ForwardTo: o.ForwardTo},
		SkipCallbackTest: o.SkipCallbackTest,
	}
	if o.timeoutSet {
		runner.UserTimeout = o.Timeout
	}
	if o.SkipCallbackTest && !o.Email.email() { // by email it was named as ignored
		warnf(o.IO, "--skip-callback-test: nothing proves before the run that %s leads to this receiver", callbackOrDefault(o.CallbackURL))
	}
	runner.RunID = marker.NewRunID()
	var saved *jsonl.Writer
	if o.Save != "" {
		w, err := openSaveFile(o.Save)
		if err != nil {
			return err
		}
		saved = w
		defer func() {
			// The file's last word (its fsync) is part of the result.
			if cerr := w.Close(); cerr != nil {
				cerr = fmt.Errorf("--save: %w", cerr)
				if err == nil {
					err = cannotRun(cerr)
				} else {
					fmt.Fprintf(o.IO.ErrOut, "monhook: %v\n", cerr)
				}
			}
		}()
		// Written to the file before the answer; a failed write answers 503
		// so Monasca retries.
		runner.Receiver.Persist = func(d receiver.Delivery) error { return w.Encode(d) }
	}

	target := report.Target{Lab: o.Lab, Speed: o.Speed}
	var resolved openstack.Resolved
	if !o.Lab {
		// Settle the credentials before anything runs: a missing OS_AUTH_URL
		// or an unknown cloud is a configuration error (exit 2), not a
		// failed check.
		if resolved, err = openstack.Resolve(o.AuthFlags()); err != nil {
			return &ExitError{Code: exitcode.Of(exitcode.Usage), Err: err}
		}
		// A `monhook lab` says so, with its speed, on every answer.
		if labSpeed, ok := probeLabSpeed(ctx, resolved); ok {
			target.Lab = true
			switch {
			case o.Speed == 0:
				target.Speed = labSpeed
			case o.Speed != labSpeed:
				warnf(o.IO, "the target is a monhook lab at speed %g, but --speed is %g: timings will not match", labSpeed, o.Speed)
			}
		}
	}
	if target.Speed == 0 {
		target.Speed = 1
		if o.Lab {
			target.Speed = defaultLabSpeed
		}
	}
	speed := target.Speed
	runner.Scenario = sc.Scaled(speed)
	if o.Email.email() {
		runner.Email = o.Email.options()
	}
	if o.Lab && o.Email.email() {
		ms, eo, err := startLabMailbox()
		if err != nil {
			return err
		}
		defer ms.Close()
		eo.From = o.Email.EmailFrom // the lab mails from its own sender
		runner.Email, o.labSMTP = eo, ms.SMTPAddr()
	}
	if o.Lab {
		l, err := startLab(ctx, o, speed)
		if err != nil {
			return err
		}
		defer l.Close()
		runner.Connect = labConnect(l, o.IO.ErrOut, o.Debug(), o.Version)
		if o.Listen == "" {
			// The lab is on loopback: keep the receiver there too.
			runner.Receiver.Listen = "127.0.0.1:0"
		}
	} else {
		runner.Connect = func(ctx context.Context) (check.Target, error) {
			s, err := o.Session(ctx)
			if err != nil {
				return check.Target{}, err
			}
			return check.Target{Client: s.Monitoring, ProjectID: s.ProjectID}, nil
		}
	}

	format := o.Output()
	sp := newSpinner(o.IO, format == output.Table)
	runner.Progress = sp.Stage
	if o.progress != nil {
		runner.Progress = func(stage string) { sp.Stage(stage); o.progress(stage) }
	}
	rctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	rep := runner.Run(rctx)
	sp.Stop()
	target.API = rep.Target.API // what preflight detected
	rep.Target = target
	if saved != nil {
		// Each record reached the file before its delivery was answered.
		rep.Saved = &report.Saved{Path: o.Save, Deliveries: saved.Lines()}
	}

	// The report is written once the run, teardown included, is over, and
	// in one write: an interrupt cannot leave half a table or half a JSON
	// document on stdout.
	var buf bytes.Buffer
	if err := writeReport(&buf, format, rep); err != nil {
		return err
	}
	if _, err := o.IO.Out.Write(buf.Bytes()); err != nil {
		return cannotRun(fmt.Errorf("writing the report: %w", err))
	}
	if o.JUnit != "" {
		if err := writeJUnitFile(o.JUnit, rep); err != nil {
			return err
		}
	}
	if rep.ExitCode != 0 {
		return &ExitError{Code: rep.ExitCode, Err: errors.New(rep.Error), Silent: true}
	}
	return nil
}

func writeReport(w io.Writer, format string, rep *report.Report) error {
	switch format {
	case output.JSON:
		return report.WriteJSON(w, rep)
	case output.YAML:
		return report.WriteYAML(w, rep)
	default:
		return report.WriteTable(w, rep)
	}
}

// writeJUnitFile replaces path with the run's JUnit XML atomically. Its
// directory was checked before the run; failing now (disk full, the
// directory removed meanwhile) is exit 3.
func writeJUnitFile(path string, rep *report.Report) error {
	err := writeFileAtomic(path, func(f *os.File) error { return report.WriteJUnit(f, rep) })
	if err != nil {
		return cannotRun(fmt.Errorf("--junit %s: %w", path, err))
	}
	return nil
}

// openSaveFile opens FILE for --save: JSON Lines, appended, as listen
// --save writes them. One meaning across commands: a file, never a
// directory (a directory is refused, naming what to pass instead).
func openSaveFile(path string) (*jsonl.Writer, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, usageErrorf("--save %s is a directory; --save takes a JSON Lines file, e.g. %s", path, filepath.Join(path, "deliveries.jsonl"))
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, usageErrorf("--save: %v", err)
		}
	}
	w, err := jsonl.Open(path, jsonl.Options{})
	if err != nil {
		return nil, usageErrorf("--save: %v", err)
	}
	return w, nil
}

// startLab starts the in-process lab for --lab.
func startLab(ctx context.Context, o *checkOptions, speed float64) (*lab.Lab, error) {
	opts := lab.Options{Speed: speed, Hosts: o.LabHosts}
	opts.SMTP.Addr = o.labSMTP
	o.LabFaults.apply(&opts)
	if o.Debug() {
		opts.Debug = o.IO.ErrOut
	}
	l := lab.New(opts)
	if err := l.Start(ctx); err != nil {
		return nil, cannotRun(fmt.Errorf("starting the lab: %w", err))
	}
	return l, nil
}

// labConnect authenticates as the lab's monasca-user through the lab's
// Keystone, exactly as against a cloud.
func labConnect(l *lab.Lab, debug io.Writer, debugOn bool, version string) func(context.Context) (check.Target, error) {
	return func(ctx context.Context) (check.Target, error) {
		var dw io.Writer
		if debugOn {
			dw = debug
		}
		s, err := openstack.ConnectResolved(ctx, l.Resolved(l.Credentials()), dw, "monhook/"+version)
		if err != nil {
			return check.Target{}, openstack.Explain(err)
		}
		return check.Target{Client: s.Monitoring, ProjectID: s.ProjectID}, nil
	}
}

// callbackOrDefault names the callback URL for messages.
func callbackOrDefault(u string) string {
	if u == "" {
		return "the callback URL"
	}
	return u
}
