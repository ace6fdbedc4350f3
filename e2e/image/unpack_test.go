//go:build e2e

package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// The image is read here with the standard library only, from the OCI
// image-layout spec, not with the library that wrote it: a mistake in how
// internal/ociimage uses go-containerregistry cannot cancel itself out.

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Annotations map[string]string `json:"annotations"`
	Platform    *struct {
		OS           string `json:"os"`
		Architecture string `json:"architecture"`
	} `json:"platform"`
}

// imageConfig is the part of the OCI config a runtime reads.
type imageConfig struct {
	Config struct {
		User       string
		Entrypoint []string
		Env        []string
		WorkingDir string
		Labels     map[string]string
	} `json:"config"`
}

// layoutArchive is an OCI image-layout tarball read into memory.
type layoutArchive map[string][]byte

func readLayoutArchive(path string) (layoutArchive, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	a := layoutArchive{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return a, nil
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag == tar.TypeReg {
			if a[h.Name], err = io.ReadAll(tr); err != nil {
				return nil, err
			}
		}
	}
}

func (a layoutArchive) blob(digest string) ([]byte, error) {
	alg, hex, ok := strings.Cut(digest, ":")
	b, found := a["blobs/"+alg+"/"+hex]
	if !ok || !found {
		return nil, fmt.Errorf("no blob %q in the archive", digest)
	}
	return b, nil
}

func (a layoutArchive) json(digest string, into any) error {
	b, err := a.blob(digest)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, into)
}

// platformImage follows index.json to the one reference it names, then to
// that index's manifest for os/arch, and returns the reference, the config
// and the layer digests in order.
func (a layoutArchive) platformImage(os, arch string) (ref string, cfg imageConfig, layers []string, err error) {
	var top struct{ Manifests []descriptor }
	if err = json.Unmarshal(a["index.json"], &top); err != nil {
		return "", cfg, nil, fmt.Errorf("index.json: %w", err)
	}
	if len(top.Manifests) != 1 {
		return "", cfg, nil, fmt.Errorf("index.json names %d images, want 1", len(top.Manifests))
	}
	ref = top.Manifests[0].Annotations["io.containerd.image.name"]
	var idx struct{ Manifests []descriptor }
	if err = a.json(top.Manifests[0].Digest, &idx); err != nil {
		return "", cfg, nil, err
	}
	for _, m := range idx.Manifests {
		if m.Platform == nil || m.Platform.OS != os || m.Platform.Architecture != arch {
			continue
		}
		var mf struct {
			Config descriptor
			Layers []descriptor
		}
		if err = a.json(m.Digest, &mf); err != nil {
			return "", cfg, nil, err
		}
		if err = a.json(mf.Config.Digest, &cfg); err != nil {
			return "", cfg, nil, err
		}
		for _, l := range mf.Layers {
			layers = append(layers, l.Digest)
		}
		return ref, cfg, layers, nil
	}
	return "", cfg, nil, fmt.Errorf("no %s/%s manifest in the image", os, arch)
}

// unpack extracts gzip-compressed layers in order into root, keeping modes
// and owners (the test runs as root).
func (a layoutArchive) unpack(root string, layers []string) error {
	for _, digest := range layers {
		b, err := a.blob(digest)
		if err != nil {
			return err
		}
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return fmt.Errorf("layer %s: %w", digest, err)
		}
		if err := extract(root, tar.NewReader(zr)); err != nil {
			return fmt.Errorf("layer %s: %w", digest, err)
		}
	}
	return nil
}

func extract(root string, tr *tar.Reader) error {
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Clean("/" + h.Name)
		if strings.HasPrefix(filepath.Base(name), ".wh.") {
			return fmt.Errorf("whiteout %s: the image has no base to delete from", h.Name)
		}
		p := filepath.Join(root, name)
		mode := os.FileMode(h.Mode).Perm()
		if h.Mode&0o1000 != 0 {
			mode |= os.ModeSticky
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s: unexpected entry type %q", h.Name, h.Typeflag)
		}
		if err := os.Chmod(p, mode); err != nil {
			return err
		}
		if err := os.Lchown(p, h.Uid, h.Gid); err != nil {
			return err
		}
	}
}
