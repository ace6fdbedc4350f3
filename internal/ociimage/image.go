package main

import (
	"fmt"
	"strconv"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// platformImage is one platform's image: the shared base layer, the
// binary's layer, and a config that runs the binary as nonroot.
func platformImage(s spec, base v1.Layer, b platformBinary) (v1.Image, error) {
	entries, err := binaryEntries(b.Path)
	if err != nil {
		return nil, err
	}
	bin, err := layer(entries, s.Created)
	if err != nil {
		return nil, err
	}
	uid := strconv.Itoa(nonrootUID)
	cfg := &v1.ConfigFile{
		Architecture: b.Arch,
		OS:           b.OS,
		Created:      v1.Time{Time: s.Created},
		RootFS:       v1.RootFS{Type: "layers"}, // mutate.Append adds the diff ids
		Config: v1.Config{
			User:       uid + ":" + uid,
			Entrypoint: []string{entrypoint},
			Env:        []string{"PATH=/usr/local/bin", "HOME=" + home, "SSL_CERT_FILE=" + caBundle},
			WorkingDir: home,
			Labels:     s.labels(),
		},
	}
	img, err := mutate.ConfigFile(mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON), cfg)
	if err != nil {
		return nil, err
	}
	created := v1.Time{Time: s.Created}
	return mutate.Append(img,
		mutate.Addendum{Layer: base, MediaType: types.OCILayer, History: v1.History{Created: created, CreatedBy: "monhook ociimage: users, CA bundle (" + s.CABundle + "), /tmp"}},
		mutate.Addendum{Layer: bin, MediaType: types.OCILayer, History: v1.History{Created: created, CreatedBy: "monhook ociimage: " + entrypoint}},
	)
}

// imageIndex is the multi-platform image: one manifest per -bin.
func imageIndex(s spec) (v1.ImageIndex, error) {
	entries, err := baseEntries(s)
	if err != nil {
		return nil, err
	}
	base, err := layer(entries, s.Created)
	if err != nil {
		return nil, err
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, b := range s.Binaries {
		img, err := platformImage(s, base, b)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", b.OS, b.Arch, err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
			Add:        img,
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: b.OS, Architecture: b.Arch}},
		})
	}
	return idx, nil
}
