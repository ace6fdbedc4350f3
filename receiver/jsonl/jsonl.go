// Package jsonl appends records to a JSON Lines file with size-based
// rotation. It is the durable record behind `monhook listen --save`: the
// receiver's in-memory history is bounded, the file is not.
//
// Write returns only once its record is in the file: handed to the
// operating system with write(2), so it survives the process being killed
// (kill -9, a panic, the OOM killer). With Options.Fsync it also waits for
// fsync(2), so the record survives a power loss; writers waiting at the same
// time share one fsync (group commit), so throughput holds under
// concurrency. Hand-written because log-rotation libraries buffer and drop
// the write-before-answer ordering that --save promises.
package jsonl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// Options configure a Writer.
type Options struct {
	// MaxSize rotates the file before a record would take it past this many
	// bytes; 0 never rotates. A single record larger than MaxSize still gets
	// written, alone in its file.
	MaxSize int64
	// Keep is how many rotated files (FILE.1 newest … FILE.Keep oldest) are
	// kept; older ones are removed. 0 keeps none.
	Keep int
	// Fsync makes Write wait until its record is on stable storage, not
	// only in the operating system's cache. Concurrent writers share one
	// fsync. A failed fsync breaks the writer for good: after one, Linux may
	// have dropped the unwritten pages and a later fsync could succeed
	// without them, so no later record can be vouched for.
	Fsync bool
}

// file is what a Writer needs of *os.File; tests substitute a failing one.
type file interface {
	io.Writer
	Sync() error
	Truncate(size int64) error
	Close() error
}

// openFunc opens path for appending and returns its current size.
type openFunc func(path string) (file, int64, error)

// Writer appends one JSON value per line. It is safe for concurrent use;
// encoding happens outside its lock, and only the write(2) of one record is
// serialised; fsyncs run outside the lock.
type Writer struct {
	path     string
	opts     Options
	openFile openFunc

	mu      sync.Mutex
	synced  sync.Cond // on mu: broadcast when an fsync ends
	syncing bool      // an fsync is running (without mu): the file must not be closed
	durable int64     // records known to be on stable storage
	f       file
	line    []byte // the record and its newline, written with one write(2)
	size    int64  // bytes in the current file
	lines   int64  // records written over the writer's life, across rotations
	broken  error  // set for good by a failed fsync or an unremovable partial record
	closed  bool
}

// ErrClosed is returned by writes after Close.
var ErrClosed = errors.New("jsonl: writer closed")

// Open appends to path, creating it if needed.
func Open(path string, opts Options) (*Writer, error) {
	return open(path, opts, openOS)
}

func open(path string, opts Options, of openFunc) (*Writer, error) {
	if opts.MaxSize < 0 || opts.Keep < 0 {
		return nil, fmt.Errorf("jsonl: MaxSize and Keep must not be negative")
	}
	w := &Writer{path: path, opts: opts, openFile: of}
	w.synced.L = &w.mu
	if err := w.open(); err != nil {
		return nil, err
	}
	return w, nil
}

func openOS(path string) (file, int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

func (w *Writer) open() error {
	f, size, err := w.openFile(w.path)
	if err != nil {
		return fmt.Errorf("jsonl: %w", err)
	}
	if w.opts.Fsync {
		// A new file (or a rotation's renames) is durable only once its
		// directory is.
		if err := syncDir(filepath.Dir(w.path)); err != nil {
			f.Close()
			return fmt.Errorf("jsonl: %w", err)
		}
	}
	w.f, w.size = f, size
	return nil
}

// Encode marshals v and appends it as one line.
func (w *Writer) Encode(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("jsonl: %w", err)
	}
	return w.Write(b)
}

// Write appends one record, which must be a single line of JSON; the
// newline is added here. When it returns nil the record is in the file
// (and on stable storage with Options.Fsync); when it returns an error the
// record is not in the file, and the writer stays usable unless the error
// says otherwise.
func (w *Writer) Write(record []byte) error {
	if bytes.IndexByte(record, '\n') >= 0 {
		return fmt.Errorf("jsonl: record spans several lines")
	}
	n := int64(len(record)) + 1
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.makeRoom(n); err != nil {
		return err
	}
	seq, err := w.writeLocked(record, n)
	if err != nil || !w.opts.Fsync {
		return err
	}
	return w.waitDurable(seq)
}

func (w *Writer) usable() error {
	if w.closed {
		return ErrClosed
	}
	return w.broken
}

// writeLocked writes one record with a single write(2) (O_APPEND keeps it
// whole) and returns its sequence number.
func (w *Writer) writeLocked(record []byte, n int64) (int64, error) {
	w.line = append(append(w.line[:0], record...), '\n')
	k, err := w.f.Write(w.line)
	if err != nil {
		if k > 0 {
			// A torn line would swallow the next record: cut it off.
			if terr := w.f.Truncate(w.size); terr != nil {
				w.broken = fmt.Errorf("jsonl: %s ends in a partial record that could not be removed: %w", w.path, terr)
			}
		}
		return 0, fmt.Errorf("jsonl: %w", err)
	}
	w.size += n
	w.lines++
	return w.lines, nil
}

// Lines is the number of records written so far, across rotations.
func (w *Writer) Lines() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lines
}

// Close syncs and closes the file and reports what went wrong, including an
// earlier failure that broke the writer. Later calls return nil.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.syncing {
		w.synced.Wait()
	}
	if w.closed {
		return nil
	}
	w.closed = true
	defer w.synced.Broadcast() // writers waiting for an fsync: Close's covers them, or failed
	err := w.broken
	if err == nil {
		if serr := fsync(w.f); serr != nil {
			err = fmt.Errorf("jsonl: fsync %s: %w", w.path, serr)
			w.broken = err
		} else {
			w.durable = w.lines
		}
	}
	if cerr := w.f.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("jsonl: close %s: %w", w.path, cerr))
	}
	return err
}
