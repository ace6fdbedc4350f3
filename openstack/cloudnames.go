package openstack

import (
	"os"
	"path/filepath"
	"sort"

	"go.yaml.in/yaml/v3"
)

// CloudNames lists the entries of the clouds.yaml files gophercloud would
// search (OS_CLIENT_CONFIG_FILE, ./clouds.yaml, the user's and the system's
// openstack directories), for shell completion of --os-cloud. Unreadable
// files are skipped: completion must never fail loudly.
func CloudNames() []string {
	var paths []string
	if p := os.Getenv("OS_CLIENT_CONFIG_FILE"); p != "" {
		paths = append(paths, p)
	}
	paths = append(paths, "clouds.yaml")
	if dir, err := os.UserConfigDir(); err == nil {
		paths = append(paths, filepath.Join(dir, "openstack", "clouds.yaml"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		paths = append(paths, filepath.Join(home, ".config", "openstack", "clouds.yaml"))
	}
	paths = append(paths, "/etc/openstack/clouds.yaml")
	seen := map[string]bool{}
	var names []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		var doc struct {
			Clouds map[string]any `yaml:"clouds"`
		}
		if yaml.Unmarshal(b, &doc) != nil {
			continue
		}
		for n := range doc.Clouds {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	sort.Strings(names)
	return names
}
