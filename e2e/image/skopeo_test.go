//go:build e2e

package image

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestSkopeoCopiesEveryPlatform: a registry client other than the library
// that wrote the tarball (Debian's skopeo, the containers/image code podman
// shares) reads it as an OCI archive and copies every platform of the
// index, as `skopeo copy --all oci-archive:... docker://...` does to push it
// (here into a local OCI layout: CI has no registry).
func TestSkopeoCopiesEveryPlatform(t *testing.T) {
	tarball := os.Getenv("MONHOOK_IMAGE")
	if tarball == "" {
		t.Skip("MONHOOK_IMAGE is not set: `make image-test` builds the image and sets it")
	}
	skopeo, err := exec.LookPath("skopeo")
	if err != nil {
		if os.Getenv("MONHOOK_E2E_SKOPEO") != "" {
			t.Fatal("MONHOOK_E2E_SKOPEO is set but there is no skopeo (apt-get install skopeo)")
		}
		t.Skip("no skopeo on PATH (apt-get install skopeo; MONHOOK_E2E_SKOPEO=1 makes that a failure)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dest := filepath.Join(t.TempDir(), "layout")
	if out, err := exec.CommandContext(ctx, skopeo, "copy", "--all", "oci-archive:"+tarball, "oci:"+dest+":monhook").CombinedOutput(); err != nil {
		t.Fatalf("skopeo copy --all: %v\n%s", err, out)
	}
	raw, err := exec.CommandContext(ctx, skopeo, "inspect", "--raw", "oci:"+dest+":monhook").Output()
	if err != nil {
		t.Fatalf("skopeo inspect --raw: %v", err)
	}
	var idx struct{ Manifests []descriptor }
	if err := json.Unmarshal(raw, &idx); err != nil {
		t.Fatalf("skopeo's copy is no index: %v\n%s", err, raw)
	}
	want, err := readLayoutArchive(tarball)
	if err != nil {
		t.Fatal(err)
	}
	var top, orig struct{ Manifests []descriptor }
	if err := json.Unmarshal(want["index.json"], &top); err != nil || len(top.Manifests) != 1 {
		t.Fatalf("index.json: %v", err)
	}
	if err := want.json(top.Manifests[0].Digest, &orig); err != nil {
		t.Fatal(err)
	}
	if len(idx.Manifests) != len(orig.Manifests) {
		t.Fatalf("skopeo copied %d platforms, the image has %d", len(idx.Manifests), len(orig.Manifests))
	}
	for i, m := range idx.Manifests {
		if m.Digest != orig.Manifests[i].Digest {
			t.Errorf("platform %d: skopeo's manifest %s, the image's %s (changed in the copy)", i, m.Digest, orig.Manifests[i].Digest)
		}
	}
}
