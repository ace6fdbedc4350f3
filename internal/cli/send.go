package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/monhook/monhook/exitcode"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/monhook/monhook/check/report"
	"github.com/monhook/monhook/output"
	"github.com/monhook/monhook/webhook"
)

type sendOptions struct {
	IO     *IOStreams
	Output func() string

	URL  string
	Body webhook.Body

	Repeat        int
	Every         time.Duration
	Retries       int
	RetryInterval time.Duration
	Timeout       time.Duration
	// Replay re-sends the deliveries of a --save file instead of a built body.
	Replay   string
	Encoding webhook.Encoding
	// AuthToken is sent as X-Auth-Token; never printed.
	AuthToken string

	// client replaces the webhook client (tests).
	client *http.Client
}

// sendFlags are the raw flag values that become a webhook.Body.
type sendFlags struct {
	encoding                         string
	state, oldState, origin, message string
	dimensions                       []string
	timestamp                        int64
	threshold, value                 float64
	valueGiven                       bool // --value was on the command line
}

// NewCmdSend builds `monhook send`.
func NewCmdSend(f *Factory, runF func(context.Context, *sendOptions) error) *cobra.Command {
	o := &sendOptions{IO: f.IO, Output: func() string { return f.Global.Output }}
	var sf sendFlags
	cmd := &cobra.Command{
		Use:   "send URL",
		Short: "Post exactly what monasca-notification posts to a webhook, and show the answer",
		Long: `Post the webhook monasca-notification's webhook plugin sends to any consumer,
without Monasca: the ten keys in the plugin's order, encoded as simplejson.dumps
does (", " and ": " separators, non-ASCII as \uXXXX), with the headers python-requests
adds (User-Agent: python-requests/2.28.1, Accept: */*, Accept-Encoding: gzip, deflate,
Connection: keep-alive, content-type: application/json). --origin api sends the shape
of a state change made through the API (metrics without "id", message "Alarm state
updated via API").

--encoding picks the encoder of the consumer's Monasca release: simplejson (Ussuri
on, the default), ujson (Pike to Train: no spaces, "/" as "\/") or json (Mitaka to
Ocata, Python 2: keys in Python 2's dict order). --auth-token adds the X-Auth-Token
header Rocky and later send with [keystone] auth_required = True (never printed).

Like Monasca, an answer counts as delivered only with a status from 200 to 299;
timeouts (--timeout, Monasca's default 5s) and connection errors are failures.
--retries 5 --retry-interval 30s is Monasca's own retry policy. TLS certificates
are verified against the system's CAs, as the plugin does (it has no insecure
option); SSL_CERT_FILE adds a CA bundle.

Each attempt's status and latency go to stdout (-o json/yaml: one document).
The body's severity, link and lifecycle state are not flags: the plugin does not
send them.

Exit status: 0 when every send was delivered, 1 when one was not (after its
retries), 2 for bad flags or URL.` + "\n" + replayHelp,
		Example: `  monhook send http://127.0.0.1:8080/openstack/alerts
  monhook send https://hooks.example.com/monasca --state OK --old-state ALARM \
      --alarm-name "cpu high" --dimension hostname=web1 --dimension service=nova
  monhook send "$URL" --origin api --repeat 3 --every 60s      # a period-60 method
  monhook send "$URL" --retries 5 --retry-interval 30s        # Monasca's retries
  monhook send "$URL" -o json | jq '.sends[0].attempts[0].status'
  monhook send "$URL" --replay deliveries.jsonl --every 1s   # what listen --save kept`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("%s takes one argument, the webhook URL", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.URL = args[0]
			sf.valueGiven = cmd.Flags().Changed("value")
			if err := o.build(sf, time.Now()); err != nil {
				return err
			}
			if o.Replay != "" {
				if err := o.checkReplayFlags(cmd); err != nil {
					return err
				}
				if runF != nil {
					return runF(cmd.Context(), o)
				}
				return sendReplayRun(cmd.Context(), o)
			}
			if err := o.checkIneffective(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return sendRun(cmd.Context(), o)
		},
	}
	b := &o.Body
	fl := cmd.Flags()
	fl.StringVar(&sf.state, "state", "ALARM", "new state: ALARM, OK or UNDETERMINED")
	fl.StringVar(&sf.oldState, "old-state", "UNDETERMINED", "previous state: ALARM, OK or UNDETERMINED")
	fl.StringVar(&b.AlarmName, "alarm-name", "monhook send", "alarm_name (the alarm definition's name)")
	fl.StringVar(&b.AlarmDescription, "alarm-description", "", "alarm_description (the definition's description)")
	fl.StringVar(&b.AlarmDefinitionID, "definition-id", "", "alarm_definition_id (default a random UUID)")
	fl.StringVar(&b.AlarmID, "alarm-id", "", "alarm_id (default a random UUID)")
	fl.StringVar(&b.TenantID, "tenant", "", "tenant_id, the project owning the definition (default random, Keystone-shaped)")
	fl.StringVar(&sf.message, "message", "", `message (default the threshold engine's reason for --state, or "Alarm state updated via API")`)
	fl.Int64Var(&sf.timestamp, "timestamp", 0, "alarm_timestamp in Unix seconds (default now)")
	b.Metrics = []webhook.Metric{{}}
	fl.StringVar(&b.Metrics[0].Name, "metric", "cpu.idle_perc", "the alarm's metric name")
	fl.StringArrayVar(&sf.dimensions, "dimension", nil, "metric dimension KEY=VALUE, repeatable, kept in order (default hostname=<this host>)")
	fl.StringVar(&sf.origin, "origin", "thresh", "who changed the state: thresh (threshold engine) or api (PATCH of the alarm)")
	fl.Float64Var(&sf.threshold, "threshold", 10, "threshold in the default message's sub-expression")
	fl.Float64Var(&sf.value, "value", sendAlarmValue, fmt.Sprintf("measured value in the default message (default %g for ALARM, %g for OK: the side of --threshold the state means)", sendAlarmValue, sendOKValue))
	fl.IntVar(&o.Repeat, "repeat", 1, "send the same body this many times")
	fl.DurationVar(&o.Every, "every", 0, "wait between repeats (a period-60 method re-sends every 60s)")
	fl.IntVar(&o.Retries, "retries", 0, fmt.Sprintf("retry a failed send this many times (Monasca: %d)", webhook.MonascaRetries))
	fl.DurationVar(&o.RetryInterval, "retry-interval", webhook.MonascaRetryInterval, "wait between retries (Monasca: 30s)")
	fl.DurationVar(&o.Timeout, "timeout", webhook.DefaultTimeout, "per attempt, for the connection and for the answer (Monasca: 5s)")
	fl.StringVar(&o.Replay, "replay", "", "re-send the deliveries a listen --save FILE holds, with their bytes and headers (redacted secrets stay redacted)")
	fl.StringVar(&sf.encoding, "encoding", string(webhook.DefaultEncoding), "body encoder of the Monasca release: json (Mitaka-Ocata), ujson (Pike-Train) or simplejson (Ussuri on)")
	fl.StringVar(&o.AuthToken, "auth-token", "", "send this X-Auth-Token, as Rocky and later can ([keystone] auth_required); never printed")
	return cmd
}

var webhookStates = []string{"ALARM", "OK", "UNDETERMINED"}

// build validates the flags and fills o.Body: everything wrong is exit 2,
// before anything is sent.
// The default measured values of the default message, each on the side of
// the default sub-expression avg(metric) < --threshold its state means.
const (
	sendAlarmValue = 4.25
	sendOKValue    = 87.5
)

// messageValue is the measured value of the default message: --value
// when given, else one on the side of avg(...) < --threshold that state
// means. monasca-thresh writes OK's reason with the values that no longer
// breach the threshold; 4.25 < 10 under "have not been exceeded" would
// contradict itself.
func messageValue(sf sendFlags, state string) float64 {
	switch {
	case sf.valueGiven:
		return sf.value
	case state == "OK":
		return max(sendOKValue, sf.threshold+1)
	}
	return min(sendAlarmValue, sf.threshold-1)
}

func (o *sendOptions) build(sf sendFlags, now time.Time) error {
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageErrorf("URL %q: want an absolute http or https URL, e.g. http://127.0.0.1:8080/openstack/alerts", o.URL)
	}
	enc, err := webhook.ParseEncoding(sf.encoding)
	if err != nil {
		return usageErrorf("--encoding: %v", err)
	}
	o.Encoding = enc
	if strings.ContainsAny(o.AuthToken, "\r\n") {
		return usageErrorf("--auth-token must be one line")
	}
	b := &o.Body
	b.State, b.OldState = strings.ToUpper(sf.state), strings.ToUpper(sf.oldState)
	for flag, v := range map[string]string{"--state": b.State, "--old-state": b.OldState} {
		if !slices.Contains(webhookStates, v) {
			return usageErrorf("%s %q: want ALARM, OK or UNDETERMINED", flag, v)
		}
	}
	switch sf.origin {
	case "thresh":
		b.Origin = webhook.FromThresh
	case "api":
		b.Origin = webhook.FromAPI
	default:
		return usageErrorf("--origin %q: want thresh or api", sf.origin)
	}
	switch {
	case o.Repeat < 1:
		return usageErrorf("--repeat must be at least 1")
	case o.Retries < 0:
		return usageErrorf("--retries must not be negative")
	case o.Every < 0 || o.RetryInterval < 0:
		return usageErrorf("--every and --retry-interval must not be negative")
	case o.Timeout <= 0:
		return usageErrorf("--timeout must be positive")
	case sf.timestamp < 0:
		return usageErrorf("--timestamp is Unix seconds and must not be negative")
	case sf.timestamp > 1e11:
		return usageErrorf("--timestamp %d looks like milliseconds; Monasca sends seconds", sf.timestamp)
	}
	m := &b.Metrics[0]
	if m.Name == "" {
		return usageErrorf("--metric must not be empty")
	}
	m.Dimensions = m.Dimensions[:0]
	for _, d := range sf.dimensions {
		k, v, ok := strings.Cut(d, "=")
		if !ok || k == "" {
			return usageErrorf("--dimension %q: want KEY=VALUE", d)
		}
		m.Dimensions = append(m.Dimensions, webhook.Dimension{Key: k, Value: v})
	}
	if len(sf.dimensions) == 0 {
		host, _ := os.Hostname()
		if host == "" {
			host = "localhost"
		}
		m.Dimensions = []webhook.Dimension{{Key: "hostname", Value: host}}
	}
	if b.AlarmID == "" {
		b.AlarmID = uuid.NewString()
	}
	if b.AlarmDefinitionID == "" {
		b.AlarmDefinitionID = uuid.NewString()
	}
	if b.TenantID == "" {
		b.TenantID = strings.ReplaceAll(uuid.NewString(), "-", "") // Keystone ids are 32 hex digits
	}
	b.AlarmTimestamp = sf.timestamp
	if b.AlarmTimestamp == 0 {
		b.AlarmTimestamp = now.Unix()
	}
	b.Message = sf.message
	if b.Message == "" {
		if b.Origin == webhook.FromAPI {
			b.Message = webhook.APIReason
		} else {
			sub := webhook.SubExpression("avg", m.Name, m.Dimensions, "<", sf.threshold)
			b.Message = webhook.ThreshReason(b.State, sub, []float64{messageValue(sf, b.State)})
		}
	}
	return nil
}

// sendReport is the -o json/yaml document.
type sendReport struct {
	OK        bool            `json:"ok" yaml:"ok"`
	Host      string          `json:"host" yaml:"host"` // the URL's host only: its path may be a secret
	Body      json.RawMessage `json:"body"`
	BodyBytes int             `json:"body_bytes" yaml:"body_bytes"`
	Sends     []sendResult    `json:"sends" yaml:"sends"`
}

type sendResult struct {
	Send      int               `json:"send" yaml:"send"`
	Delivered bool              `json:"delivered" yaml:"delivered"`
	Attempts  []webhook.Attempt `json:"attempts" yaml:"attempts"`
}

func sendRun(ctx context.Context, o *sendOptions) error {
	enc := o.Encoding
	if enc == "" {
		enc = webhook.DefaultEncoding
	}
	body := o.Body.EncodeAs(enc)
	u, _ := url.Parse(o.URL) // checked in build
	client := o.client
	if client == nil {
		client = webhook.NewClient(o.Timeout, nil)
	}
	table := o.Output() == output.Table
	rep := sendReport{OK: true, Host: u.Host, Body: body, BodyBytes: len(body)}
	fmt.Fprintf(o.IO.ErrOut, "posting %s → %s %q (%d bytes) to %s\n", o.Body.OldState, o.Body.State, o.Body.AlarmName, len(body), u.Host)
	s := &webhook.Sender{
		Client: client, Retries: o.Retries, RetryInterval: o.RetryInterval, AuthToken: o.AuthToken,
		OnAttempt: func(a webhook.Attempt) {
			if table {
				fmt.Fprintln(o.IO.Out, attemptLine(a.Send, o.Repeat, o.nameTimeout(a)))
			}
		},
	}
	sends, err := s.Repeat(ctx, o.URL, body, o.Repeat, o.Every)
	for i, attempts := range sends {
		for j := range attempts {
			attempts[j] = o.nameTimeout(attempts[j])
		}
		res := sendResult{Send: i + 1, Attempts: attempts, Delivered: len(attempts) > 0 && attempts[len(attempts)-1].OK()}
		rep.Sends = append(rep.Sends, res)
		rep.OK = rep.OK && res.Delivered
	}
	if err != nil {
		// Interrupted: what was sent so far is still the answer.
		_ = writeSendReport(o, rep)
		return cannotRun(err)
	}
	if err := writeSendReport(o, rep); err != nil {
		return err
	}
	if !rep.OK {
		if hint := certificateHint(rep); hint != "" {
			fmt.Fprintln(o.IO.ErrOut, output.WrapText(o.IO.ErrOut, "hint: "+hint, 2))
		}
		return &ExitError{Code: exitcode.Of(exitcode.Fail), Err: notDelivered(rep, o.Repeat)}
	}
	return nil
}

// nameTimeout words an attempt that got no answer in time after the
// option that set the limit, instead of the transport's "timeout awaiting
// response headers".
func (o *sendOptions) nameTimeout(a webhook.Attempt) webhook.Attempt {
	if a.TimedOut {
		a.Error = fmt.Sprintf("no answer within %s (--timeout)", o.Timeout)
	}
	return a
}

// notDelivered says what happened to the first send that failed, from its
// last attempt: the answer's status, or why none came (no answer in time,
// connection refused, ...).
func notDelivered(rep sendReport, of int) error {
	for _, s := range rep.Sends {
		if s.Delivered || len(s.Attempts) == 0 {
			continue
		}
		what := attemptProblem(s.Attempts[len(s.Attempts)-1])
		if of > 1 {
			return fmt.Errorf("not delivered (send %d of %d): %s", s.Send, of, what)
		}
		return fmt.Errorf("not delivered: %s", what)
	}
	return fmt.Errorf("not delivered")
}

// attemptProblem says why an attempt did not deliver: the consumer's
// answer that was not 2xx, with its body, or why no answer came.
func attemptProblem(a webhook.Attempt) string {
	if a.Status != 0 {
		return fmt.Sprintf("the consumer answered %d %s, not 2xx", a.Status, http.StatusText(a.Status)) + bodyText(a.Body)
	}
	return a.Error
}

// bodyText is a failed answer's body on one line, for messages.
func bodyText(body string) string {
	if b := strings.Join(strings.Fields(body), " "); b != "" {
		return ": " + b
	}
	return ""
}

// certificateHint explains a failed TLS verification: Monasca's plugin
// cannot skip it either, so send does not offer to.
func certificateHint(rep sendReport) string {
	for _, s := range rep.Sends {
		for _, a := range s.Attempts {
			if strings.Contains(a.Error, "x509:") || strings.Contains(a.Error, "certificate") {
				return "the consumer's certificate is not trusted. Monasca's webhook plugin verifies certificates " +
					"and has no insecure option, so send does the same: trust a self-signed one with " +
					"SSL_CERT_FILE=cert.pem monhook send …, and give monasca-notification the same CA (REQUESTS_CA_BUNDLE)"
			}
		}
	}
	return ""
}

// writeSendReport writes a send or replay report (sendReport,
// replayReport) in the chosen output format.
func writeSendReport(o *sendOptions, rep any) error {
	if o.Output() == output.YAML {
		// The JSON document is the contract; YAML is the same keys, in order.
		doc, err := json.Marshal(rep)
		if err != nil {
			return err
		}
		y, err := output.JSONToYAML(doc)
		if err != nil {
			return err
		}
		_, err = o.IO.Out.Write(y)
		return err
	}
	// The table form is the attempt lines, already printed as they ended.
	return output.Print(o.IO.Out, o.Output(), rep, func(io.Writer) error { return nil })
}

// attemptLine is the readable form of one attempt: status and latency first.
func attemptLine(send, of int, a webhook.Attempt) string {
	what := a.Error
	if a.Status != 0 {
		what = fmt.Sprintf("%d %s", a.Status, http.StatusText(a.Status))
	}
	verdict := "delivered"
	if !a.OK() {
		verdict = "failed"
	}
	line := fmt.Sprintf("%-9s %-24s %10s", verdict, what, report.FormatDuration(a.Latency))
	if of > 1 || a.Number > 1 {
		line += fmt.Sprintf("  send %d/%d attempt %d", send, of, a.Number)
	}
	if a.Status != 0 && !a.OK() {
		line += "  " + strings.TrimPrefix(bodyText(a.Body), ": ")
	}
	return strings.TrimRight(line, " ")
}
