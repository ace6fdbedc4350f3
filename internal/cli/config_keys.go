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

	settings := readConfigMap(v)
	for _, key := range sortedKeys(settings) {
		val := settings[key]
		section, isMap := val.(map[string]any)
		c, isCommand := commands[key]
		switch {
		case isCommand && (isMap || val == nil):
			if err := checkSectionKeys(root, c, section, file); err != nil {
				return err
			}
		case isMap:
			return unknownKey(file, key, "is not a command", keysOf(commands))
		case !anyFlag[key]:
			known := keysOf(commands)
			for k := range anyFlag {
				known = append(known, k)
			}
			return unknownKey(file, key, "is not a flag or a command", known)
		}
	}
	return nil
}

// configKeysAnnotation lists, comma-separated, the keys a command reads
// from its config section besides its flags (serve's targets).
const configKeysAnnotation = "monhook/config-keys"

// checkSectionKeys checks the keys under a command's section: that
// command's flags, the global ones and those it declares with
// configKeysAnnotation.
func checkSectionKeys(root, c *cobra.Command, section map[string]any, file string) error {
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
	for _, key := range sortedKeys(section) {
		full := c.Name() + "." + key
		if own[key] {
			continue // the command checks its own keys' values
		}
		if !flags[key] {
			return unknownKey(file, full, "is not a flag of `monhook "+c.Name()+"`", keysOf(flags))
		}
		if _, nested := section[key].(map[string]any); nested {
			return usageErrorf("config file %s: key %q wants a value, not a section", file, full)
		}
	}
	return nil
}

func unknownKey(file, key, what string, known []string) error {
	msg := fmt.Sprintf("config file %s: unknown key %q: %s", file, key, what)
	last := key[strings.LastIndex(key, ".")+1:]
	if s := suggestions(last, known); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %q?)", s[0])
	}
	return usageErrorf("%s", msg)
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
