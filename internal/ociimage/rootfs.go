package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// entry is one file or directory of a layer.
type entry struct {
	name  string
	mode  int64
	uid   int // also the gid
	body  []byte
	isDir bool
}

// baseEntries is the filesystem around the binary: users, name service
// order, the CA bundle and writable /tmp and home directories.
func baseEntries(s spec) ([]entry, error) {
	ca, err := os.ReadFile(s.CABundle)
	if err != nil {
		return nil, fmt.Errorf("CA bundle: %w", err)
	}
	if !bytes.Contains(ca, []byte("-----BEGIN CERTIFICATE-----")) {
		return nil, fmt.Errorf("CA bundle %s holds no PEM certificate", s.CABundle)
	}
	dir := func(name string, mode int64, uid int) entry {
		return entry{name: name, mode: mode, uid: uid, isDir: true}
	}
	file := func(name, body string) entry { return entry{name: name, mode: 0o644, body: []byte(body)} }
	return []entry{
		dir("etc/", 0o755, 0),
		file("etc/group", fmt.Sprintf("root:x:0:\nnonroot:x:%d:\n", nonrootUID)),
		file("etc/nsswitch.conf", "hosts: files dns\n"),
		file("etc/passwd", fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%d:%d:nonroot:%s:/sbin/nologin\n", nonrootUID, nonrootUID, home)),
		dir("etc/ssl/", 0o755, 0),
		dir("etc/ssl/certs/", 0o755, 0),
		{name: caBundle[1:], mode: 0o644, body: ca},
		dir("home/", 0o755, 0),
		dir(home[1:]+"/", 0o700, nonrootUID),
		dir("tmp/", 0o1777, 0),
	}, nil
}

// binaryEntries is the binary's own layer.
func binaryEntries(path string) ([]entry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return []entry{
		{name: "usr/", mode: 0o755, isDir: true},
		{name: "usr/local/", mode: 0o755, isDir: true},
		{name: "usr/local/bin/", mode: 0o755, isDir: true},
		{name: entrypoint[1:], mode: 0o755, body: b},
	}, nil
}

// layer tars entries, in the order given, all stamped with one time.
func layer(entries []entry, when time.Time) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: e.mode, Uid: e.uid, Gid: e.uid, ModTime: when, Format: tar.FormatPAX}
		if e.isDir {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(e.body))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}, tarball.WithMediaType(types.OCILayer))
}
