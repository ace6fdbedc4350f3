package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// envPrefix is the prefix of monhook's own environment variables. OS_* belong
// to OpenStack and are resolved by the openstack package, never by viper.
const envPrefix = "MONHOOK"

// defaultConfigPath is ~/.config/monhook/config.yaml (XDG_CONFIG_HOME honoured).
func defaultConfigPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "monhook", "config.yaml")
}

// loadConfig reads the config file into a fresh viper: the one named by
// --config (must exist) or the default path (optional).
func loadConfig(explicit string) (*viper.Viper, error) {
	v := viper.New()
	v.SetEnvPrefix(envPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_", ".", "_"))
	v.AutomaticEnv()

	path := explicit
	if path == "" {
		path = defaultConfigPath()
		if path == "" {
			return v, nil
		}
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return v, nil
		}
	}
	v.SetConfigFile(path)
	if filepath.Ext(path) == "" {
		v.SetConfigType("yaml")
	}
	if err := v.ReadInConfig(); err != nil {
		return nil, usageErrorf("config file %s: %v", path, err)
	}
	return v, nil
}

// applyConfig gives every flag the command did not get on the command line
// its value from MONHOOK_<FLAG> or the config file, so options structs bound
// to flags see one merged value (flags > env > config file). A config file key
// may be the flag name at top level or under the command's name, e.g.
//
//	output: json
//	check:
//	  scenario: synthetic
//
// A value that does not parse is a configuration error naming its source.
func applyConfig(cmd *cobra.Command, v *viper.Viper) error {
	var firstErr error
	section := cmd.Name()
	cmd.Flags().VisitAll(func(fl *pflag.Flag) {
		if firstErr != nil || fl.Changed || fl.Name == "help" || fl.Name == "config" {
			return
		}
		envName := envName(fl.Name)
		var (
			raw    any
			source string
		)
		if val, ok := os.LookupEnv(envName); ok {
			raw, source = val, "environment variable "+envName
		} else if key := section + "." + fl.Name; v.InConfig(key) {
			raw, source = v.Get(key), fmt.Sprintf("config key %q (%s)", key, v.ConfigFileUsed())
		} else if v.InConfig(fl.Name) && !isSection(v.Get(fl.Name)) {
			// A top-level key that is a map (or empty) is another command's
			// section, e.g. `listen:` next to check's --listen flag.
			raw, source = v.Get(fl.Name), fmt.Sprintf("config key %q (%s)", fl.Name, v.ConfigFileUsed())
		} else {
			return
		}
		for _, s := range configValues(raw) {
			if err := fl.Value.Set(s); err != nil {
				firstErr = usageErrorf("invalid value %q for %s (flag --%s): %v", s, source, fl.Name, err)
				return
			}
		}
	})
	return firstErr
}

// configValues turns a config value into flag strings; lists set a slice
// flag once per element.
func configValues(raw any) []string {
	switch t := raw.(type) {
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			out = append(out, fmt.Sprint(e))
		}
		return out
	case nil:
		return []string{""}
	default:
		return []string{fmt.Sprint(t)}
	}
}

// isSection reports whether a config value is a command section rather
// than a flag value.
func isSection(v any) bool {
	switch v.(type) {
	case nil, map[string]any:
		return true
	}
	return false
}
