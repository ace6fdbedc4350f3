package main

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeSpec is a two-platform spec over small stand-in files: what is tested
// here is the image's shape, not the binary (e2e/image runs that).
func fakeSpec(t *testing.T) spec {
	t.Helper()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	return spec{
		Ref: "registry.example.com/monhook:v9",
		Binaries: []platformBinary{
			{OS: "linux", Arch: "amd64", Path: write("amd64", "amd64 binary")},
			{OS: "linux", Arch: "arm64", Path: write("arm64", "arm64 binary")},
		},
		CABundle: write("ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
		Version:  "v9",
		Revision: "0123abc",
		Created:  time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC),
	}
}

// readArchive returns the tarball's files by name.
func readArchive(t *testing.T, path string) map[string][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	files := map[string][]byte{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		files[h.Name] = b
	}
}

func blob(t *testing.T, files map[string][]byte, digest string, into any) {
	t.Helper()
	b, ok := files["blobs/sha256/"+strings.TrimPrefix(digest, "sha256:")]
	if !ok {
		t.Fatalf("no blob %s", digest)
	}
	if err := json.Unmarshal(b, into); err != nil {
		t.Fatal(err)
	}
}

type descriptor struct {
	MediaType   string
	Digest      string
	Annotations map[string]string
	Platform    struct{ OS, Architecture string }
}

// TestImageRunsTheBinaryAsNonrootWithLabels: the index names the reference,
// each platform's config runs the entrypoint as 65532 with the OCI labels.
func TestImageRunsTheBinaryAsNonrootWithLabels(t *testing.T) {
	s := fakeSpec(t)
	out := filepath.Join(t.TempDir(), "image.tar")
	if err := writeImage(s, out); err != nil {
		t.Fatal(err)
	}
	files := readArchive(t, out)
	var top struct{ Manifests []descriptor }
	if err := json.Unmarshal(files["index.json"], &top); err != nil || len(top.Manifests) != 1 {
		t.Fatalf("index.json: %v, %s", err, files["index.json"])
	}
	if got := top.Manifests[0].Annotations["io.containerd.image.name"]; got != s.Ref {
		t.Errorf("image name %q, want %q", got, s.Ref)
	}
	var idx struct{ Manifests []descriptor }
	blob(t, files, top.Manifests[0].Digest, &idx)
	var arches []string
	for _, m := range idx.Manifests {
		arches = append(arches, m.Platform.OS+"/"+m.Platform.Architecture)
		var mf struct{ Config descriptor }
		blob(t, files, m.Digest, &mf)
		var cfg struct {
			Architecture string
			Config       struct {
				User       string
				Entrypoint []string
				Labels     map[string]string
			}
			RootFS struct {
				Type    string
				DiffIDs []string `json:"diff_ids"`
			}
		}
		blob(t, files, mf.Config.Digest, &cfg)
		c := cfg.Config
		if c.User != "65532:65532" || len(c.Entrypoint) != 1 || c.Entrypoint[0] != "/usr/local/bin/monhook" {
			t.Errorf("%s: user %q entrypoint %q", m.Platform.Architecture, c.User, c.Entrypoint)
		}
		if c.Labels["org.opencontainers.image.version"] != "v9" || c.Labels["org.opencontainers.image.revision"] != "0123abc" ||
			c.Labels["org.opencontainers.image.created"] != "2026-12-07T03:00:00Z" {
			t.Errorf("%s: labels %v", m.Platform.Architecture, c.Labels)
		}
		if cfg.RootFS.Type != "layers" || len(cfg.RootFS.DiffIDs) != 2 || cfg.Architecture != m.Platform.Architecture {
			t.Errorf("%s: rootfs %+v, architecture %q", m.Platform.Architecture, cfg.RootFS, cfg.Architecture)
		}
	}
	if strings.Join(arches, " ") != "linux/amd64 linux/arm64" {
		t.Errorf("platforms %v", arches)
	}
}

// TestSameInputsSameTarball: one commit gives one image, byte for byte.
func TestSameInputsSameTarball(t *testing.T) {
	s := fakeSpec(t)
	sum := func() [32]byte {
		out := filepath.Join(t.TempDir(), "image.tar")
		if err := writeImage(s, out); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return sha256.Sum256(b)
	}
	if a, b := sum(), sum(); a != b {
		t.Errorf("two builds differ: %x vs %x", a, b)
	}
}

// TestRefusesABundleWithoutCertificates: an image without CA certificates
// would fail every TLS call at run time, so the build fails instead.
func TestRefusesABundleWithoutCertificates(t *testing.T) {
	s := fakeSpec(t)
	s.CABundle = s.Binaries[0].Path
	err := writeImage(s, filepath.Join(t.TempDir(), "image.tar"))
	if err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("err = %v", err)
	}
}
