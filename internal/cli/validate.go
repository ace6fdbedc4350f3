package cli

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The --speed range `monhook lab` and `monhook check` share. Below 1 the
// lab would run slower than Monasca, which proves nothing faster; above
// MaxSpeed Monasca's shortest timings (the 5 s webhook timeout, the 30 s
// retry) shrink to a few milliseconds and scheduling noise, not Monasca's
// behaviour, decides the outcome.
const (
	MinSpeed = 1
	MaxSpeed = 1000
)

// validateSpeed is the one check of a --speed value, for lab and check.
func validateSpeed(v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < MinSpeed || v > MaxSpeed {
		return usageErrorf("--speed %v: want a number from %d to %d (how many times faster than real Monasca; 60 makes a 60 s period last 1 s)",
			v, MinSpeed, MaxSpeed)
	}
	return nil
}

// normalizeListen accepts a bare port ("3001") as ":3001", as people used
// to hand-written receivers type it, and checks the port. flag names the
// option in the error (--listen, --receiver-listen).
func normalizeListen(flag, s string) (string, error) {
	if s == "" {
		return "", nil
	}
	if _, err := strconv.ParseUint(s, 10, 16); err == nil {
		return ":" + s, nil
	}
	i := strings.LastIndex(s, ":")
	if i < 0 {
		return "", usageErrorf("%s %q: want host:port, :port or a port number", flag, s)
	}
	if _, err := strconv.ParseUint(s[i+1:], 10, 16); err != nil {
		return "", usageErrorf("%s %q: %q is not a port (0-65535)", flag, s, s[i+1:])
	}
	return s, nil
}

// checkWritableFile says, before anything runs, whether path can be
// written when the run ends: its directory must exist and take a new file,
// and path must not be a directory. (The final write replaces the file
// atomically, so a read-only existing file is not in the way.)
func checkWritableFile(flag, path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return usageErrorf("%s %s: is a directory", flag, path)
	}
	probe, err := os.CreateTemp(filepath.Dir(path), ".monhook-probe-*")
	if err != nil {
		return usageErrorf("%s %s: cannot write there: %v", flag, path, unwrapPathError(err))
	}
	name := probe.Name()
	_ = probe.Close()
	_ = os.Remove(name)
	return nil
}

// checkWritableDir says whether files can be made in dir, which may not
// exist yet (it is created): its nearest existing ancestor must take
// files. value is the flag's value, for the message.
func checkWritableDir(flag, value, dir string) error {
	existing := dir
	for {
		fi, err := os.Stat(existing)
		if err == nil {
			if !fi.IsDir() {
				return usageErrorf("%s %s: %s is not a directory", flag, value, existing)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return usageErrorf("%s %s: %v", flag, value, unwrapPathError(err))
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			break
		}
		existing = parent
	}
	probe, err := os.CreateTemp(existing, ".monhook-probe-*")
	if err != nil {
		return usageErrorf("%s %s: cannot write there: %v", flag, value, unwrapPathError(err))
	}
	name := probe.Name()
	_ = probe.Close()
	_ = os.Remove(name)
	return nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory and a rename, so a reader (a CI system) sees the old file or
// the whole new one, never a half-written one.
func writeFileAtomic(path string, write func(f *os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if err := write(tmp); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replacing %s: %w", path, err)
	}
	return nil
}

// checkTLSPair loads --tls-cert and --tls-key before anything runs: a
// missing or mismatched file is a usage error naming both flags, not a
// receiver stage that fails after Monasca was already called.
func checkTLSPair(cert, key string) error {
	if cert == "" && key == "" {
		return nil
	}
	if (cert == "") != (key == "") {
		return usageErrorf("--tls-cert and --tls-key go together")
	}
	if _, err := tls.LoadX509KeyPair(cert, key); err != nil {
		return usageErrorf("--tls-cert %s / --tls-key %s: %v", cert, key, err)
	}
	return nil
}
