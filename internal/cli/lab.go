package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/lab/notifier"
)

// validateSMTP checks --smtp and --smtp-from before the lab starts.
func validateSMTP(addr, from string) error {
	if addr != "" {
		host, port, err := net.SplitHostPort(addr)
		if p, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || p < 1 || p > 65535 {
			return usageErrorf("--smtp %q: want HOST:PORT, e.g. 127.0.0.1:25", addr)
		}
	}
	if _, err := mail.ParseAddress(from); err != nil {
		return usageErrorf("--smtp-from %q is not an email address", from)
	}
	return nil
}

type labOptions struct {
	IO    *IOStreams
	Debug bool

	Listen        string
	Speed         float64
	Hosts         int
	TokenTTL      time.Duration
	VersionSuffix bool
	Faults        labFaults
	SMTP          string
	SMTPFrom      string

	KeystoneURL          string
	ServiceUser          string
	ServicePassword      string
	ServiceProject       string
	ServiceUserDomain    string
	ServiceProjectDomain string

	// started, when set, is called once the lab serves (tests).
	started func(*lab.Lab)
}

// NewCmdLab builds `monhook lab`.
func NewCmdLab(f *Factory, runF func(context.Context, *labOptions) error) *cobra.Command {
	opts := &labOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "lab",
		Short: "Run the built-in Monasca lab in the foreground",
		Long: `Run the Monasca lab: Keystone v3 and the Monasca v2.0 API on one port, with
simulated agents posting cpu.idle_perc, a threshold engine and a notification engine
that really sends webhooks (and, with --smtp, mails EMAIL methods through that
SMTP server as monasca-notification's email plugin does).

Stdout carries only "export ...=..." lines: the OS_* variables of the lab's
monasca-user (with --keystone-url: OS_AUTH_URL and MONASCA_API_URL), and
MONHOOK_SPEED so that monhook check runs at the lab's speed.
Write them to a file and source it from another shell; that points the monasca
CLI, the openstack CLI and monhook at the lab. Stderr shows every seeded user
(fixed, lab-only passwords) and the endpoints.

With --keystone-url the lab serves only Monasca and validates every token against
that Keystone, as keystonemiddleware does; the service credentials default to the
OS_* environment.

--release and --api make the lab answer as an older Monasca: mitaka has no
notification-method types route, period or PATCH; every release's notifier writes
the webhook body with its own encoder (json, ujson, simplejson); --api java answers
with the Java monasca-api's error bodies, role refusal and paging links.
--notifier-auth-token (Rocky on) adds X-Auth-Token to every webhook.

--speed divides Monasca's engine timings (periods, the 60 s tick, the 30 s grace,
retry and periodic intervals, agent intervals); the webhook timeout stays 5 s.
` + labFaultsHelp,
		Example: `  monhook lab --speed 60 > lab.env          # terminal 1; Ctrl-C stops it
  . ./lab.env && monhook check -s ok-cycle   # terminal 2: runs at speed 60
  monhook lab --listen 0.0.0.0:8070 --speed 60 --hosts 5
  monhook lab --keystone-url http://keystone:5000/v3   # with OS_USERNAME etc. of a service user
  monhook lab --speed 60 --agents-project service --agent-clock-skew -5m
  monhook lab --speed 60 --smtp 127.0.0.1:25   # EMAIL methods mailed via postfix`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Debug = f.Debug()
			warnOutputIgnored(f.IO, cmd, f.Global.Output, "stdout is shell export lines, the rest goes to stderr")
			if err := validateSpeed(opts.Speed); err != nil {
				return err
			}
			if opts.Hosts < 0 {
				return usageErrorf("--hosts must not be negative, got %d", opts.Hosts)
			}
			if opts.TokenTTL <= 0 {
				return usageErrorf("--token-ttl must be positive, got %s", opts.TokenTTL)
			}
			listen, err := normalizeListen("--listen", opts.Listen)
			if err != nil {
				return err
			}
			opts.Listen = listen
			if err := validateSMTP(opts.SMTP, opts.SMTPFrom); err != nil {
				return err
			}
			if opts.KeystoneURL != "" {
				// The lab exports it as OS_AUTH_URL: a value that is not a
				// URL would start a lab no client can use.
				if u, err := url.Parse(opts.KeystoneURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					return usageErrorf("--keystone-url %q: want an http:// or https:// URL with a host, e.g. http://keystone:5000/v3", opts.KeystoneURL)
				}
			}
			if err := opts.Faults.validate("", opts.KeystoneURL != ""); err != nil {
				return err
			}
			if err := opts.checkIneffective(cmd); err != nil {
				return err
			}
			if opts.KeystoneURL != "" {
				fromEnv(&opts.ServiceUser, "OS_USERNAME")
				fromEnv(&opts.ServicePassword, "OS_PASSWORD")
				fromEnv(&opts.ServiceProject, "OS_PROJECT_NAME")
				fromEnv(&opts.ServiceUserDomain, "OS_USER_DOMAIN_NAME")
				fromEnv(&opts.ServiceProjectDomain, "OS_PROJECT_DOMAIN_NAME")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return labRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Listen, "listen", "127.0.0.1:0", "listen address (host:port, :port or a bare port); port 0 picks a free one")
	fl.Float64Var(&opts.Speed, "speed", 1, fmt.Sprintf("time compression, %d to %d: at 60 a 60 s Monasca period lasts 1 s (the 5 s webhook timeout does not scale)", MinSpeed, MaxSpeed))
	fl.IntVar(&opts.Hosts, "hosts", 3, "simulated agents posting cpu.idle_perc (0: none)")
	fl.DurationVar(&opts.TokenTTL, "token-ttl", time.Hour, "lifetime of the lab Keystone's tokens")
	fl.BoolVar(&opts.VersionSuffix, "advertise-version-suffix", true, "advertise the monitoring endpoint with /v2.0 (false: the versionless root)")
	fl.StringVar(&opts.KeystoneURL, "keystone-url", "", "validate tokens against this external Keystone instead of the lab's own")
	fl.StringVar(&opts.ServiceUser, "keystone-service-user", "", "service user for token validation (default $OS_USERNAME)")
	fl.StringVar(&opts.ServicePassword, "keystone-service-password", "", "its password (default $OS_PASSWORD)")
	fl.StringVar(&opts.ServiceProject, "keystone-service-project", "", "its project (default $OS_PROJECT_NAME)")
	fl.StringVar(&opts.ServiceUserDomain, "keystone-service-user-domain", "", "its user domain (default $OS_USER_DOMAIN_NAME, else Default)")
	fl.StringVar(&opts.ServiceProjectDomain, "keystone-service-project-domain", "", "its project domain (default $OS_PROJECT_DOMAIN_NAME, else Default)")
	fl.StringVar(&opts.SMTP, "smtp", "", "SMTP server (HOST:PORT) the notifier mails EMAIL methods through; none: not mailed")
	fl.StringVar(&opts.SMTPFrom, "smtp-from", notifier.DefaultFrom, "the mails' From (the email plugin's from_addr)")
	opts.Faults.addFlags(fl, "", "")
	return cmd
}

func fromEnv(dst *string, name string) {
	if *dst == "" {
		*dst = os.Getenv(name)
	}
}

func labRun(ctx context.Context, o *labOptions) error {
	hosts := o.Hosts
	if hosts == 0 {
		hosts = -1 // lab.Options: 0 means the default, <0 none
	}
	opts := lab.Options{
		Addr: o.Listen, Speed: o.Speed, Hosts: hosts, TokenTTL: o.TokenTTL,
		MonitoringWithoutVersion: !o.VersionSuffix,
		KeystoneURL:              o.KeystoneURL,
		ServiceUser:              o.ServiceUser, ServicePassword: o.ServicePassword, ServiceProject: o.ServiceProject,
		ServiceUserDomain: o.ServiceUserDomain, ServiceProjectDomain: o.ServiceProjectDomain,
		SMTP: notifier.SMTP{Addr: o.SMTP, From: o.SMTPFrom},
	}
	o.Faults.apply(&opts)
	if o.Debug {
		opts.Debug = o.IO.ErrOut
	}
	l := lab.New(opts)
	if err := l.Start(ctx); err != nil {
		_ = l.Close()
		return cannotRun(err)
	}
	defer l.Close()

	if err := writeLabExports(o.IO.Out, l, o.KeystoneURL != "", o.Speed); err != nil {
		return err
	}
	writeLabSummary(o.IO.ErrOut, l, o)
	if o.started != nil {
		o.started(l)
	}
	<-ctx.Done()
	fmt.Fprintln(o.IO.ErrOut, "monhook lab: stopping")
	if err := l.Close(); err != nil {
		return cannotRun(fmt.Errorf("stopping the lab: %w", err))
	}
	return nil
}

// writeLabExports prints the shell exports for the lab's monasca-user (or,
// in external mode, the Keystone and the lab's Monasca URL), and
// MONHOOK_SPEED so that a check (or serve) against this lab runs at its
// speed without being told: a 60 s period of a lab at --speed 60 lasts 1 s.
func writeLabExports(w io.Writer, l *lab.Lab, external bool, speed float64) error {
	var vars [][2]string
	if external {
		vars = [][2]string{
			{"OS_AUTH_URL", l.AuthURL()},
			{"MONASCA_API_URL", l.MonitoringURL()},
			{"OS_IDENTITY_API_VERSION", "3"},
		}
	} else {
		u := l.Credentials()
		vars = [][2]string{
			{"OS_AUTH_URL", l.AuthURL()},
			{"OS_USERNAME", u.Name},
			{"OS_PASSWORD", u.Password},
			{"OS_PROJECT_NAME", u.Project},
			{"OS_USER_DOMAIN_NAME", u.UserDomain},
			{"OS_PROJECT_DOMAIN_NAME", u.ProjectDomain},
			// gophercloud's AuthOptionsFromEnv reads only OS_DOMAIN_NAME.
			{"OS_DOMAIN_NAME", u.UserDomain},
			{"OS_REGION_NAME", l.Region()},
			{"OS_IDENTITY_API_VERSION", "3"},
			{"OS_INTERFACE", "public"},
		}
	}
	vars = append(vars, [2]string{"MONHOOK_SPEED", strconv.FormatFloat(speed, 'g', -1, 64)})
	var b strings.Builder
	for _, v := range vars {
		fmt.Fprintf(&b, "export %s=%s\n", v[0], shellQuote(v[1]))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// shellQuote single-quotes s unless it is made only of safe characters.
func shellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@%+=,", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func writeLabSummary(w io.Writer, l *lab.Lab, o *labOptions) {
	hosts := "no simulated agents"
	if o.Hosts > 0 {
		hosts = fmt.Sprintf("%d simulated hosts", o.Hosts)
	}
	fmt.Fprintf(w, "monhook lab: listening on %s (speed %gx, %s)\n", l.URL(), o.Speed, hosts)
	if o.KeystoneURL != "" {
		fmt.Fprintf(w, "  Keystone (external): %s\n", l.AuthURL())
	} else {
		fmt.Fprintf(w, "  Keystone v3:  %s  (region %s)\n", l.AuthURL(), l.Region())
	}
	fmt.Fprintf(w, "  Monasca API:  %s\n", l.MonitoringURL())
	if p := l.Profile(); !p.IsLatest() {
		fmt.Fprintf(w, "  Answers as:   Monasca %s, the %s API (--release, --api)\n", p.Release(), p.API())
	}
	if o.SMTP != "" {
		fmt.Fprintf(w, "  EMAIL via:    smtp://%s (From %s)\n", o.SMTP, o.SMTPFrom)
	}
	if names := l.Hostnames(); len(names) > 0 {
		fmt.Fprintf(w, "  Agents:       cpu.idle_perc from hostname=%s\n", strings.Join(names, ", "))
	}
	if users := l.Users(); len(users) > 0 {
		fmt.Fprintln(w, "  Seeded users (domain Default; lab-only passwords):")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "    USER\tPASSWORD\tPROJECT\tROLES")
		for _, u := range users {
			fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\n", u.Name, u.Password, u.Project, strings.Join(u.Roles, ","))
		}
		_ = tw.Flush()
	}
	fmt.Fprintln(w, "  Press Ctrl-C to stop.")
}

// checkIneffective applies the rule of warn.go to lab's options: the
// service user is for an external Keystone only.
func (o *labOptions) checkIneffective(cmd *cobra.Command) error {
	if o.KeystoneURL == "" {
		if err := needFlag(o.IO, cmd, "--keystone-url", "keystone-service-user", "keystone-service-password", "keystone-service-project",
			"keystone-service-user-domain", "keystone-service-project-domain"); err != nil {
			return err
		}
	}
	if o.KeystoneURL != "" && len(givenFlags(cmd, "token-ttl")) > 0 {
		warnf(o.IO, "--token-ttl has no effect with --keystone-url: the external Keystone issues the tokens")
	}
	return nil
}
