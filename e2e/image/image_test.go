//go:build e2e

// Package image tests the OCI image `make image` writes, as a container
// runtime would run it: its layers unpacked into an empty directory, the
// entrypoint run chrooted there as the image's user with only the image's
// environment. Nothing comes from the host: no /proc, /dev, libc or CA
// certificates but what the image carries. Needs root (chroot, setuid);
// MONHOOK_IMAGE names the tarball (`make image-test` sets it).
package image

import (
	"bytes"
	"context"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestImageRunsChrootedAsItsUser(t *testing.T) {
	tarball := os.Getenv("MONHOOK_IMAGE")
	if tarball == "" {
		t.Skip("MONHOOK_IMAGE is not set: `make image-test` builds the image and sets it")
	}
	if os.Geteuid() != 0 {
		t.Fatal("the image test chroots and changes user: run it as root")
	}
	a, err := readLayoutArchive(tarball)
	if err != nil {
		t.Fatal(err)
	}
	ref, cfg, layers, err := a.platformImage("linux", runtime.GOARCH)
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Config
	t.Logf("%s: user %q, entrypoint %q, %d layers", ref, c.User, c.Entrypoint, len(layers))

	for _, l := range []string{"title", "version", "revision", "created"} {
		if c.Labels["org.opencontainers.image."+l] == "" {
			t.Errorf("no org.opencontainers.image.%s label: %v", l, c.Labels)
		}
	}
	uid, gid := parseUser(t, c.User)
	if uid == 0 {
		t.Errorf("the image runs as root (user %q)", c.User)
	}
	if len(c.Entrypoint) != 1 {
		t.Fatalf("entrypoint %q: want the binary alone", c.Entrypoint)
	}

	root := t.TempDir()
	if err := os.Chmod(root, 0o755); err != nil { // the nonroot user walks it
		t.Fatal(err)
	}
	if err := a.unpack(root, layers); err != nil {
		t.Fatal(err)
	}
	checkCABundle(t, root)
	checkSameBinary(t, root, c.Entrypoint[0])

	run := func(args ...string) (string, string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, c.Entrypoint[0], args...)
		cmd.Env = c.Env // the image's environment, not the test's
		cmd.Dir = c.WorkingDir
		if cmd.Dir == "" {
			cmd.Dir = "/"
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{
			Chroot:     root,
			Credential: &syscall.Credential{Uid: uid, Gid: gid, Groups: []uint32{}},
		}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s %s: %v (deadline: %v)\nstdout:\n%s\nstderr:\n%s", c.Entrypoint[0], strings.Join(args, " "), err, ctx.Err(), stdout.String(), stderr.String())
		}
		return stdout.String(), stderr.String()
	}

	out, _ := run("version")
	if want := c.Labels["org.opencontainers.image.version"]; !strings.HasPrefix(out, "monhook "+want+" ") {
		t.Errorf("version printed %q, want the image's version %q", out, want)
	}
	if want := c.Labels["org.opencontainers.image.revision"]; !strings.Contains(out, "commit "+want) {
		t.Errorf("version printed %q, want the image's revision %q", out, want)
	}
	out, _ = run("check", "--lab", "-s", "synthetic")
	t.Logf("check --lab -s synthetic:\n%s", out)
	if !strings.Contains(out, "delivery") {
		t.Errorf("check --lab printed no delivery stage:\n%s", out)
	}
}

// parseUser reads the config's numeric UID:GID (a name would need the
// image's /etc/passwd, which a runtime reads but this test need not).
func parseUser(t *testing.T, user string) (uint32, uint32) {
	t.Helper()
	u, g, _ := strings.Cut(user, ":")
	uid, err1 := strconv.ParseUint(u, 10, 32)
	gid, err2 := strconv.ParseUint(g, 10, 32)
	if err1 != nil || err2 != nil {
		t.Fatalf("user %q: want numeric UID:GID", user)
	}
	return uint32(uid), uint32(gid)
}

// checkSameBinary: with MONHOOK_BIN set (make image-test sets it to make
// build's bin/monhook), the image's entrypoint is that binary byte for byte:
// one command line builds both.
func checkSameBinary(t *testing.T, root, entrypoint string) {
	t.Helper()
	host := os.Getenv("MONHOOK_BIN")
	if host == "" || runtime.GOOS != "linux" {
		return
	}
	want, err := os.ReadFile(host)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(root, entrypoint))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the image's %s (%d bytes) is not %s (%d bytes): rebuild both with make build image", entrypoint, len(got), host, len(want))
	}
}

// checkCABundle: send, check and forward verify TLS with the image's bundle.
func checkCABundle(t *testing.T, root string) {
	t.Helper()
	pem, err := os.ReadFile(filepath.Join(root, "etc/ssl/certs/ca-certificates.crt"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) || len(bytes.Split(pem, []byte("BEGIN CERTIFICATE"))) < 50 {
		t.Errorf("the image's CA bundle holds few or no certificates (%d bytes)", len(pem))
	}
}
