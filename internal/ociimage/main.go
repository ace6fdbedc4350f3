// Command ociimage builds monhook's OCI image without a container daemon
// (go-containerregistry, pinned in go.mod), from binaries `make image` has
// already built, and writes it as an OCI image-layout tarball:
//
//	go run ./internal/ociimage -ref registry.example.com/monhook:v1 \
//	  -bin linux/amd64=dist/build/linux-amd64/monhook -bin linux/arm64=... \
//	  -version v1 -revision COMMIT -created 2026-12-07T03:00:00Z -o dist/monhook-image.tar
//
// The image has no base: a root filesystem of the binary, the CA bundle
// (-ca-bundle, Debian's ca-certificates by default), /etc/passwd and
// /etc/group naming the nonroot user (65532) it runs as, and /tmp. Every
// file time is -created (the commit's time), so one commit always gives the
// same image digest. It prints the tarball's path last.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

// binFlag collects -bin OS/ARCH=PATH, one per platform.
type binFlag []platformBinary

func (b *binFlag) String() string { return fmt.Sprint(*b) }

func (b *binFlag) Set(v string) error {
	plat, path, ok := strings.Cut(v, "=")
	os, arch, ok2 := strings.Cut(plat, "/")
	if !ok || !ok2 || os == "" || arch == "" || path == "" {
		return fmt.Errorf("want OS/ARCH=PATH, got %q", v)
	}
	*b = append(*b, platformBinary{OS: os, Arch: arch, Path: path})
	return nil
}

func main() {
	var s spec
	var bins binFlag
	var created, out string
	flag.StringVar(&s.Ref, "ref", "", "the image's `NAME:TAG`, recorded in the tarball's index")
	flag.Var(&bins, "bin", "`OS/ARCH=PATH` of a static monhook binary; repeat per platform")
	flag.StringVar(&s.CABundle, "ca-bundle", "/etc/ssl/certs/ca-certificates.crt", "PEM CA bundle to install as /etc/ssl/certs/ca-certificates.crt")
	flag.StringVar(&s.Version, "version", "", "org.opencontainers.image.version")
	flag.StringVar(&s.Revision, "revision", "", "org.opencontainers.image.revision (the commit)")
	flag.StringVar(&s.Source, "source", "", "org.opencontainers.image.source (optional)")
	flag.StringVar(&created, "created", "", "org.opencontainers.image.created and every file time (RFC 3339)")
	flag.StringVar(&out, "o", "", "the OCI image-layout tarball to write")
	flag.Parse()

	when, err := time.Parse(time.RFC3339, created)
	switch {
	case flag.NArg() > 0:
		err = fmt.Errorf("unexpected argument %q", flag.Arg(0))
	case err != nil:
		err = fmt.Errorf("-created: %v", err)
	case s.Ref == "" || s.Version == "" || out == "" || len(bins) == 0:
		err = fmt.Errorf("-ref, -version, -o and at least one -bin are required")
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "ociimage: %v\n", err)
		os.Exit(2)
	}
	s.Created, s.Binaries = when.UTC(), bins
	if err := writeImage(s, out); err != nil {
		fmt.Fprintf(os.Stderr, "ociimage: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(out)
}
