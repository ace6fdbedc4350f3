package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// osEnvironment is every OpenStack variable monhook reads (openstack.Resolve,
// gophercloud's clouds.yaml parser and the lab's service user), with the flag
// that overrides it. Keep in step with openstack/credentials.go; a test
// checks that every OS_* name there is listed here.
var osEnvironment = [][3]string{
	{"OS_CLOUD", "--os-cloud", "entry of clouds.yaml to use"},
	{"OS_CLIENT_CONFIG_FILE", "", "path of clouds.yaml (default ./, ~/.config/openstack/, /etc/openstack/)"},
	{"OS_AUTH_URL", "--os-auth-url", "Keystone URL"},
	{"OS_USERNAME", "--os-username", "user name"},
	{"OS_USER_ID, OS_USERID", "", "user id"},
	{"OS_PASSWORD", "--os-password", "password (asked on a terminal when a user has none)"},
	{"OS_USER_DOMAIN_NAME", "--os-user-domain-name", "the user's domain"},
	{"OS_USER_DOMAIN_ID", "", "the user's domain, by id"},
	{"OS_PROJECT_NAME, OS_TENANT_NAME", "--os-project-name", "project to scope to"},
	{"OS_PROJECT_ID, OS_TENANT_ID", "", "project to scope to, by id"},
	{"OS_PROJECT_DOMAIN_NAME", "--os-project-domain-name", "the project's domain"},
	{"OS_PROJECT_DOMAIN_ID", "", "the project's domain, by id"},
	{"OS_DOMAIN_NAME, OS_DOMAIN_ID", "", "domain for both user and project when they name none; or a domain scope"},
	{"OS_APPLICATION_CREDENTIAL_ID", "", "application credential, by id"},
	{"OS_APPLICATION_CREDENTIAL_NAME", "", "application credential, by name (with OS_USERNAME)"},
	{"OS_APPLICATION_CREDENTIAL_SECRET", "", "its secret"},
	{"OS_TOKEN, OS_AUTH_TOKEN", "", "an existing token"},
	{"OS_SYSTEM_SCOPE", "", "system scope (only \"all\")"},
	{"OS_REGION_NAME", "--os-region-name", "region of the monitoring endpoint"},
	{"OS_INTERFACE, OS_ENDPOINT_TYPE", "--os-interface", "endpoint interface: public, internal or admin"},
	{"OS_CACERT", "--os-cacert", "CA bundle for Keystone and Monasca"},
	{"OS_CERT, OS_KEY", "", "client certificate and key (clouds.yaml parser)"},
	{"OS_INSECURE", "--insecure", "skip TLS verification (true/false)"},
	{"MONASCA_API_URL", "--monasca-api-url", "Monasca API URL; skips the catalog"},
}

// otherEnvironment are variables outside both families that change behaviour.
var otherEnvironment = [][3]string{
	{"MONHOOK_IMAP_PASSWORD", "", "the IMAP password for --imap (check, serve, cleanup); without it a terminal prompt, never printed"},
	{"SSL_CERT_FILE, SSL_CERT_DIR", "", "extra CAs for Go's TLS: `send` to a self-signed --tls-cert listener, like REQUESTS_CA_BUNDLE for Monasca; an --imap server's private CA"},
	{"HTTPS_PROXY, HTTP_PROXY, NO_PROXY", "", "proxies for every HTTP client (as python-requests honours them)"},
	{"TERM", "", "\"dumb\" turns spinners off"},
}

// newCmdEnvironment is the `monhook help environment` topic: not runnable,
// so cobra lists it under "Additional help topics". Its text is built from
// the command tree when asked for, so every flag's MONHOOK_* name is there.
func newCmdEnvironment(root *cobra.Command) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "environment",
		Short: "Environment variables: MONHOOK_* for every flag, OS_* for OpenStack",
	}
	cmd.SetHelpFunc(func(c *cobra.Command, _ []string) {
		fmt.Fprint(c.OutOrStdout(), environmentHelp(root))
	})
	return cmd
}

func environmentHelp(root *cobra.Command) string {
	var b strings.Builder
	b.WriteString(`Precedence: flags, then the environment, then the config file, then defaults.

OpenStack (the names python-openstackclient and openrc files use):
`)
	writeEnvTable(&b, osEnvironment)
	b.WriteString(`
monhook: every flag can be set as MONHOOK_<FLAG>, upper case with - as _
(e.g. MONHOOK_OUTPUT=json, MONHOOK_SCENARIO=synthetic). A name used by several
commands sets each of them. The OpenStack flags above take the OS_* names.
`)
	writeEnvTable(&b, monhookEnvironment(root))
	b.WriteString("\nOther:\n")
	writeEnvTable(&b, otherEnvironment)
	return b.String()
}

// monhookEnvironment lists MONHOOK_<FLAG> for every flag of every command,
// with the commands that have it.
func monhookEnvironment(root *cobra.Command) [][3]string {
	users := map[string][]string{}
	// usages keeps each distinct meaning of a name with the commands that
	// give it that meaning: MONHOOK_TIMEOUT is check's overall deadline but
	// send's per-attempt timeout, and the help must not claim one for both.
	usages := map[string][]envUsage{}
	flagOf := map[string]string{} // the flag's own spelling (web.config.file)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		add := func(fl *pflag.Flag) {
			if fl.Name == "help" || fl.Name == "config" || fl.Name == "version" || fl.Hidden || isOpenStackFlag(fl.Name) {
				return
			}
			name := envName(fl.Name)
			flagOf[name] = fl.Name
			where := c.Name()
			if c == root {
				where = "all"
			}
			if !containsString(users[name], where) {
				users[name] = append(users[name], where)
			}
			usages[name] = addUsage(usages[name], firstClause(fl.Usage), where)
		}
		c.LocalNonPersistentFlags().VisitAll(add)
		c.PersistentFlags().VisitAll(add)
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() {
				walk(sub)
			}
		}
	}
	walk(root)
	names := make([]string, 0, len(users))
	for n := range users {
		names = append(names, n)
	}
	sort.Strings(names)
	rows := make([][3]string, 0, len(names))
	for _, n := range names {
		flag := "--" + flagOf[n]
		rows = append(rows, [3]string{n, flag + " (" + strings.Join(users[n], ", ") + ")", describeUsages(usages[n])})
	}
	return rows
}

// envUsage is one meaning of a MONHOOK_* name and the commands that have it.
type envUsage struct {
	text string
	cmds []string
}

func addUsage(list []envUsage, text, cmd string) []envUsage {
	for i := range list {
		if list[i].text == text {
			if !containsString(list[i].cmds, cmd) {
				list[i].cmds = append(list[i].cmds, cmd)
			}
			return list
		}
	}
	return append(list, envUsage{text: text, cmds: []string{cmd}})
}

// describeUsages is the one usage when every command agrees, else each
// meaning prefixed with its commands.
func describeUsages(list []envUsage) string {
	if len(list) == 1 {
		return list[0].text
	}
	parts := make([]string, len(list))
	for i, u := range list {
		parts[i] = strings.Join(u.cmds, ", ") + ": " + u.text
	}
	return strings.Join(parts, "; ")
}

// isOpenStackFlag: these flags take their environment from the OS_* names
// listed above (MONHOOK_* would also work, but two names help nobody).
func isOpenStackFlag(name string) bool {
	return strings.HasPrefix(name, "os-") || name == "insecure" || name == "monasca-api-url"
}

// envName is the MONHOOK_* name applyConfig reads for a flag.
func envName(flag string) string {
	// "." too: --web.config.file is MONHOOK_WEB_CONFIG_FILE, a name a
	// shell can set.
	return envPrefix + "_" + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(flag))
}

// firstClause is the usage up to its first "; " outside parentheses, so a
// parenthesised default ("(default all interfaces, ephemeral port; e.g.
// ":8080")") is kept whole or not at all.
func firstClause(s string) string {
	depth := 0
	for i, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case r == ';' && depth == 0 && strings.HasPrefix(s[i:], "; ") && i > 0:
			return s[:i]
		}
	}
	return s
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// helpWidth keeps the topic readable on an 80-column terminal.
const helpWidth = 80

func writeEnvTable(b *strings.Builder, rows [][3]string) {
	for _, r := range rows {
		fmt.Fprintf(b, "  %s\n", r[0])
		detail := r[2]
		if r[1] != "" {
			detail = r[1] + ": " + detail
		}
		for _, line := range wrapWords(detail, helpWidth-6) {
			fmt.Fprintf(b, "      %s\n", line)
		}
	}
}

// wrapWords breaks s at spaces into lines of at most width characters (a
// longer word gets a line of its own).
func wrapWords(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
