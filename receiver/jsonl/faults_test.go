package jsonl

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// faultyFile is a real file whose writes, syncs, truncates and closes can
// be made to fail or to block.
type faultyFile struct {
	*os.File
	writeFails  func(p []byte) (keep int, err error) // nil: write normally
	wrote       chan struct{}                        // told after each successful write
	syncs       *atomic.Int64
	syncHook    func() error // runs before each Sync; its error is Sync's
	truncateErr error
	closeErr    error
}

func (f *faultyFile) Write(p []byte) (int, error) {
	if f.writeFails != nil {
		if keep, err := f.writeFails(p); err != nil {
			n, _ := f.File.Write(p[:keep])
			return n, err
		}
	}
	n, err := f.File.Write(p)
	if err == nil && f.wrote != nil {
		f.wrote <- struct{}{}
	}
	return n, err
}

func (f *faultyFile) Sync() error {
	if f.syncs != nil {
		f.syncs.Add(1)
	}
	if f.syncHook != nil {
		if err := f.syncHook(); err != nil {
			return err
		}
	}
	return f.File.Sync()
}

func (f *faultyFile) Truncate(size int64) error {
	if f.truncateErr != nil {
		return f.truncateErr
	}
	return f.File.Truncate(size)
}

func (f *faultyFile) Close() error {
	err := f.File.Close()
	if f.closeErr != nil {
		return f.closeErr
	}
	return err
}

// openFaulty opens path through a faultyFile shaped by setup.
func openFaulty(t testing.TB, opts Options, setup func(*faultyFile)) (*Writer, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "d.jsonl")
	w, err := open(path, opts, func(p string) (file, int64, error) {
		f, size, err := openOS(p)
		if err != nil {
			return nil, 0, err
		}
		ff := &faultyFile{File: f.(*os.File)}
		setup(ff)
		return ff, size, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w, path
}

func TestDiskFullFailsTheWriteAndTheWriterRecovers(t *testing.T) {
	full := true
	w, path := openFaulty(t, Options{}, func(f *faultyFile) {
		f.writeFails = func(p []byte) (int, error) {
			if full {
				return len(p) / 2, syscall.ENOSPC // half the record reached the disk
			}
			return 0, nil
		}
	})
	if err := w.Write([]byte(`{"n":1}`)); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("write on a full disk = %v, want ENOSPC", err)
	}
	full = false
	if err := w.Write([]byte(`{"n":2}`)); err != nil {
		t.Fatalf("write once space is back = %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// The torn half of record 1 was cut off, so record 2 is a line of its own.
	if b, _ := os.ReadFile(path); string(b) != "{\"n\":2}\n" {
		t.Fatalf("file = %q, want only record 2", b)
	}
	if w.Lines() != 1 {
		t.Fatalf("Lines = %d, want 1", w.Lines())
	}
}

func TestAPartialRecordThatCannotBeRemovedBreaksTheWriter(t *testing.T) {
	full := true
	w, _ := openFaulty(t, Options{}, func(f *faultyFile) {
		f.writeFails = func(p []byte) (int, error) {
			if full {
				return 3, syscall.ENOSPC
			}
			return 0, nil
		}
		f.truncateErr = syscall.EIO
	})
	if err := w.Write([]byte(`{"n":1}`)); err == nil {
		t.Fatal("write on a full disk succeeded")
	}
	full = false
	if err := w.Write([]byte(`{"n":2}`)); err == nil {
		t.Fatal("a write after an unremovable partial record succeeded: its line would be corrupt")
	}
	if err := w.Close(); !errors.Is(err, syscall.EIO) {
		t.Fatalf("Close = %v, want the truncate failure reported", err)
	}
}

func TestWriteToDevFullFails(t *testing.T) {
	w, err := Open("/dev/full", Options{})
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	defer w.Close()
	if err := w.Write([]byte(`{}`)); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("write to /dev/full = %v, want ENOSPC", err)
	}
}

func TestCloseReportsTheCloseError(t *testing.T) {
	w, _ := openFaulty(t, Options{}, func(f *faultyFile) { f.closeErr = syscall.EIO })
	if err := w.Close(); !errors.Is(err, syscall.EIO) {
		t.Fatalf("Close = %v, want EIO", err)
	}
}

func TestWithoutFsyncOnlyCloseSyncs(t *testing.T) {
	var syncs atomic.Int64
	w, _ := openFaulty(t, Options{}, func(f *faultyFile) { f.syncs = &syncs })
	for range 10 {
		if err := w.Write([]byte(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
	if n := syncs.Load(); n != 0 {
		t.Fatalf("%d fsyncs without Fsync", n)
	}
	w.Close()
	if n := syncs.Load(); n != 1 {
		t.Fatalf("%d fsyncs at Close, want 1", n)
	}
}

// TestFsyncIsSharedByConcurrentWriters: while one fsync runs, the writers
// that arrive queue behind it, and one more fsync covers them all.
func TestFsyncIsSharedByConcurrentWriters(t *testing.T) {
	var syncs atomic.Int64
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	wrote := make(chan struct{}, 100)
	w, _ := openFaulty(t, Options{Fsync: true}, func(f *faultyFile) {
		f.syncs = &syncs
		f.wrote = wrote
		f.syncHook = func() error {
			once.Do(func() { close(entered); <-release }) // the first fsync is slow
			return nil
		}
	})
	firstDone := make(chan error, 1)
	go func() { firstDone <- w.Write([]byte(`{"n":0}`)) }()
	select {
	case <-entered:
	case err := <-firstDone:
		t.Fatalf("Write returned (%v) without an fsync", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no fsync within 10 s of a write with Fsync")
	}
	const others = 9
	errs := make(chan error, others)
	for i := range others {
		go func() { errs <- w.Write([]byte(`{"n":` + string(rune('1'+i)) + `}`)) }()
	}
	// Every record reaches the file while the first fsync runs; then each
	// writer waits for an fsync covering it.
	timeout := time.After(10 * time.Second)
	for i := range others + 1 {
		select {
		case <-wrote:
		case <-timeout:
			t.Fatalf("only %d of %d records written while an fsync ran", i, others+1)
		}
	}
	select {
	case err := <-firstDone:
		t.Fatalf("Write returned (%v) before its fsync finished", err)
	default:
	}
	close(release)
	for range others + 1 {
		var err error
		select {
		case err = <-firstDone:
		case err = <-errs:
		case <-time.After(10 * time.Second):
			t.Fatal("writers still waiting 10 s after the fsync finished")
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := syncs.Load(); n != 2 {
		t.Fatalf("%d fsyncs for 1 + %d concurrent writers, want 2 (one shared by the nine)", n, others)
	}
}

func TestFailedFsyncFailsTheWriteAndEveryLaterOne(t *testing.T) {
	fail := true
	w, _ := openFaulty(t, Options{Fsync: true}, func(f *faultyFile) {
		f.syncHook = func() error {
			if fail {
				return syscall.EIO
			}
			return nil
		}
	})
	if err := w.Write([]byte(`{}`)); !errors.Is(err, syscall.EIO) {
		t.Fatalf("write with a failing fsync = %v, want EIO", err)
	}
	fail = false
	if err := w.Write([]byte(`{}`)); !errors.Is(err, syscall.EIO) {
		t.Fatalf("write after a failed fsync = %v, want the EIO again (the cache may have lost pages)", err)
	}
	if err := w.Close(); !errors.Is(err, syscall.EIO) {
		t.Fatalf("Close = %v, want the fsync failure reported", err)
	}
}

func TestRotationWithFsyncSyncsTheOldFileFirst(t *testing.T) {
	var syncs atomic.Int64
	w, _ := openFaulty(t, Options{Fsync: true, MaxSize: 10, Keep: 3}, func(f *faultyFile) { f.syncs = &syncs })
	for i := range 3 {
		if err := w.Write([]byte(`{"n":1}`)); err != nil {
			t.Fatal(err)
		}
		// One fsync per write, plus one per rotation (before the file closes).
		if want := int64(2*i + 1); syncs.Load() != want {
			t.Fatalf("after write %d: %d fsyncs, want %d", i+1, syncs.Load(), want)
		}
	}
}

func TestFailedRotationFailsTheWriteAndIsRetried(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d.jsonl")
	w, err := Open(path, Options{MaxSize: 10, Keep: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// d.jsonl.1 is a directory with something in it: the rename onto it fails.
	if err := os.MkdirAll(filepath.Join(path+".1", "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]byte(`{"n":1}`)); err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]byte(`{"n":2}`)); err == nil {
		t.Fatal("write needing a rotation that failed succeeded")
	}
	if err := os.RemoveAll(path + ".1"); err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]byte(`{"n":3}`)); err != nil {
		t.Fatalf("write once rotation can succeed = %v", err)
	}
	for name, want := range map[string]string{path: "{\"n\":3}\n", path + ".1": "{\"n\":1}\n"} {
		if b, _ := os.ReadFile(name); string(b) != want {
			t.Errorf("%s = %q, want %q", name, b, want)
		}
	}
}
