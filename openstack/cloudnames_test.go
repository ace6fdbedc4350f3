package openstack_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/monhook/monhook/openstack"
)

func TestCloudNamesReadsEveryCloudsFile(t *testing.T) {
	cleanEnv(t, nil)
	explicit := writeClouds(t, cloudsYAML, "")
	t.Setenv("OS_CLIENT_CONFIG_FILE", explicit)
	home, _ := os.UserHomeDir()
	dir := filepath.Join(home, ".config", "openstack")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "clouds.yaml"), []byte("clouds:\n  staging: {}\n  prod: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("clouds.yaml", []byte("not: [yaml"), 0o600); err != nil { // ./clouds.yaml, broken
		t.Fatal(err)
	}
	if got, want := openstack.CloudNames(), []string{"lab", "prod", "staging"}; !slices.Equal(got, want) {
		t.Errorf("CloudNames = %v, want %v", got, want)
	}
}
