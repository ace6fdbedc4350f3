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

// checkSectionKeys checks the keys under a command's section: that
// command's flags and the global ones.
func checkSectionKeys(root, c *cobra.Command, section map[string]any, file string) error {
	flags := map[string]bool{}
	root.PersistentFlags().VisitAll(func(f *pflag.Flag) { flags[f.Name] = true })
	c.Flags().VisitAll(func(f *pflag.Flag) { flags[f.Name] = true })
	delete(flags, "help")
	delete(flags, "config")
	for _, key := range sortedKeys(section) {
		full := c.Name() + "." + key
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
	if s := nearest(last, known); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
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

// nearest returns the known key closest to key by edit distance, if it is
// a plausible typo (at most 2 edits, and fewer than half the key).
func nearest(key string, known []string) string {
	best, bestD := "", 3
	sort.Strings(known)
	for _, k := range known {
		if d := editDistance(key, k); d < bestD && d*2 < len(key)+1 {
			best, bestD = k, d
		}
	}
	return best
}

// editDistance is the Damerau-Levenshtein distance (with adjacent
// transpositions, the commonest typo: "outptu").
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
