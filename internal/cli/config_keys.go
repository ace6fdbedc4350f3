package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// checkConfigKeys makes the config file as strict as a scenario file: a
// key that no flag or command knows (`scenaro:`, `outptu:`) is a
// configuration error naming the key and the file, with the nearest known
// key as a suggestion, rather than a setting silently ignored while the
// defaults run. Top-level keys are flag names of any command, or command
// names whose section holds that command's flags.
func checkConfigKeys(root *cobra.Command, v *viper.Viper) error {
	file := v.ConfigFileUsed()
	if file == "" {
		return nil
	}
	commands := map[string]*cobra.Command{}
	anyFlag := map[string]bool{}
	addFlags := func(set map[string]bool, fs *pflag.FlagSet) {
		fs.VisitAll(func(f *pflag.Flag) { set[f.Name] = true })
	}
	addFlags(anyFlag, root.PersistentFlags())
	for _, c := range root.Commands() {
		commands[c.Name()] = c
		addFlags(anyFlag, c.Flags())
	}
	delete(anyFlag, "help")
	delete(anyFlag, "config") // the file cannot name itself

	// Every problem is collected, so a file with two typos is fixed in
	// one go rather than one run per typo.
	var problems []string
	settings := readConfigMap(v)
	for _, key := range sortedKeys(settings) {
		val := settings[key]
		section, isMap := val.(map[string]any)
		c, isCommand := commands[key]
		switch {
		case isCommand && (isMap || val == nil):
			problems = append(problems, checkSectionKeys(root, c, section)...)
		case isMap:
			problems = append(problems, unknownKey(key, "is not a command", keysOf(commands)))
		case !anyFlag[key]:
			known := keysOf(commands)
			for k := range anyFlag {
				known = append(known, k)
			}
			problems = append(problems, unknownKey(key, "is not a flag or a command", known))
		}
	}
	switch len(problems) {
	case 0:
		return nil
	case 1:
		return usageErrorf("config file %s: %s", file, problems[0])
	}
	return usageErrorf("config file %s: %d problems:\n  %s", file, len(problems), strings.Join(problems, "\n  "))
}

// configKeysAnnotation lists, comma-separated, the keys a command reads
// from its config section besides its flags (serve's targets).
const configKeysAnnotation = "monhook/config-keys"

// checkSectionKeys checks the keys under a command's section: that
// command's flags, the global ones and those it declares with
// configKeysAnnotation.
func checkSectionKeys(root, c *cobra.Command, section map[string]any) []string {
	own := map[string]bool{}
	for _, k := range strings.Split(c.Annotations[configKeysAnnotation], ",") {
		if k != "" {
			own[k] = true
		}
	}
	flags := map[string]bool{}
	root.PersistentFlags().VisitAll(func(f *pflag.Flag) { flags[f.Name] = true })
	c.Flags().VisitAll(func(f *pflag.Flag) { flags[f.Name] = true })
	delete(flags, "help")
	delete(flags, "config")
	var problems []string
	for _, key := range sortedKeys(section) {
		full := c.Name() + "." + key
		if own[key] {
			continue // the command checks its own keys' values
		}
		if !flags[key] {
			problems = append(problems, unknownKey(full, "is not a flag of `monhook "+c.Name()+"`", keysOf(flags)))
			continue
		}
		if _, nested := section[key].(map[string]any); nested {
			problems = append(problems, fmt.Sprintf("key %q wants a value, not a section", full))
		}
	}
	return problems
}

// unknownKey describes an unknown key, with the closest known one.
func unknownKey(key, what string, known []string) string {
	msg := fmt.Sprintf("unknown key %q: %s", key, what)
	last := key[strings.LastIndex(key, ".")+1:]
	if s := suggestions(last, known); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %q?)", s[0])
	}
	return msg
}

// readConfigMap is the file's keys as written (lower-cased by viper).
func readConfigMap(v *viper.Viper) map[string]any {
	out := map[string]any{}
	for k, val := range v.AllSettings() {
		out[k] = val
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func keysOf[V any](m map[string]V) []string { return sortedKeys(m) }
