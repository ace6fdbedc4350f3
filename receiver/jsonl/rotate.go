package jsonl

import (
	"errors"
	"fmt"
	"os"
)

// makeRoom rotates when n more bytes would take the file past MaxSize.
// Rotation closes the file, so it waits for a running fsync to end first.
func (w *Writer) makeRoom(n int64) error {
	for {
		if err := w.usable(); err != nil {
			return err
		}
		if w.opts.MaxSize == 0 || w.size == 0 || w.size+n <= w.opts.MaxSize {
			return nil
		}
		if w.syncing {
			w.synced.Wait()
			continue
		}
		if err := w.rotate(); err != nil {
			return err
		}
	}
}

// rotate closes the current file (synced first with Fsync), shifts FILE.i
// to FILE.i+1 (dropping what falls past Keep) and starts a new FILE. Called
// with mu held and no fsync running.
func (w *Writer) rotate() error {
	if w.opts.Fsync {
		if err := fsync(w.f); err != nil {
			w.broken = fmt.Errorf("jsonl: fsync %s: %w", w.path, err)
			return w.broken
		}
		w.durable = w.lines
	}
	if err := w.f.Close(); err != nil {
		w.broken = fmt.Errorf("jsonl: close %s: %w", w.path, err)
		return w.broken
	}
	shiftErr := w.shift()
	// Whether or not the files moved, carry on in FILE: after a failed
	// shift it is the old file, and the next write tries again.
	if err := w.open(); err != nil {
		w.broken = err // the old file is closed: nothing more can be written
		return err
	}
	return shiftErr
}

// shift renames FILE.i to FILE.i+1 and FILE to FILE.1, dropping what falls
// past Keep (all of it with Keep 0).
func (w *Writer) shift() error {
	if w.opts.Keep == 0 {
		if err := os.Remove(w.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("jsonl: %w", err)
		}
		return nil
	}
	_ = os.Remove(rotated(w.path, w.opts.Keep)) // may not exist yet
	for i := w.opts.Keep - 1; i >= 1; i-- {
		if err := os.Rename(rotated(w.path, i), rotated(w.path, i+1)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("jsonl: %w", err)
		}
	}
	if err := os.Rename(w.path, rotated(w.path, 1)); err != nil {
		return fmt.Errorf("jsonl: %w", err)
	}
	return nil
}

func rotated(path string, i int) string { return fmt.Sprintf("%s.%d", path, i) }
