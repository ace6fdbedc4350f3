package jsonl

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// waitDurable returns once records up to seq are on stable storage. One
// writer at a time runs an fsync, outside the lock, covering every record
// written when it started; the writers arriving meanwhile wait, and the next
// fsync covers them all: one fsync per batch of concurrent writers, and a
// writer already covered returns as soon as its fsync ends.
func (w *Writer) waitDurable(seq int64) error {
	for w.durable < seq {
		if w.broken != nil {
			return w.broken
		}
		if w.syncing {
			w.synced.Wait()
			continue
		}
		w.syncing = true
		f, upTo := w.f, w.lines
		w.mu.Unlock()
		err := fsync(f)
		w.mu.Lock()
		w.syncing = false
		if err != nil {
			if w.broken == nil {
				w.broken = fmt.Errorf("jsonl: fsync %s: %w", w.path, err)
			}
		} else {
			w.durable = max(w.durable, upTo)
		}
		w.synced.Broadcast()
	}
	return nil
}

// fsync is f.Sync, where EINVAL means f is a special file with nothing to
// make durable (/dev/stdout, a pipe): not a failure.
func fsync(f file) error {
	if err := f.Sync(); !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Sync waits until every record written so far is on stable storage.
func (w *Writer) Sync() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return w.broken
	}
	return w.waitDurable(w.lines)
}
