package main

import "time"

// The image's fixed layout, which the manifests in configs/kubernetes and
// the image test (e2e/image) rely on.
const (
	entrypoint = "/usr/local/bin/monhook"
	caBundle   = "/etc/ssl/certs/ca-certificates.crt"
	nonrootUID = 65532 // distroless's nonroot; runAsUser in the manifests
	home       = "/home/nonroot"
)

// spec is what one image is built from.
type spec struct {
	Ref      string // NAME:TAG
	Binaries []platformBinary
	CABundle string // host path of the PEM bundle
	Version  string
	Revision string
	Source   string
	Created  time.Time
}

// platformBinary is one platform's static monhook.
type platformBinary struct {
	OS, Arch, Path string
}

// labels are the org.opencontainers.image.* annotations of the config.
func (s spec) labels() map[string]string {
	l := map[string]string{
		"org.opencontainers.image.title":       "monhook",
		"org.opencontainers.image.description": "Prove that OpenStack Monasca delivers alarm notifications to a webhook",
		"org.opencontainers.image.version":     s.Version,
		"org.opencontainers.image.created":     s.Created.Format(time.RFC3339),
	}
	if s.Revision != "" {
		l["org.opencontainers.image.revision"] = s.Revision
	}
	if s.Source != "" {
		l["org.opencontainers.image.source"] = s.Source
	}
	return l
}
