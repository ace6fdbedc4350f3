// Package jsonl appends records to a JSON Lines file with size-based
// rotation. It is the durable record behind `monhook listen --save`: the
// receiver's in-memory history is bounded, the file is not. Hand-written
// because log-rotation libraries buffer and drop the write-before-answer
// ordering that --save promises.
package jsonl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
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
	// BufferSize is the write buffer; default 64 KiB. Records reach the disk
	// when it fills, on Flush and on Close.
	BufferSize int
}

// Writer appends one JSON value per line. It is safe for concurrent use;
// encoding happens outside its lock, so only the copy into the buffer (and,
// when the buffer fills, the write) is serialised.
type Writer struct {
	path string
	opts Options

	mu     sync.Mutex
	f      *os.File
	buf    *bufio.Writer
	size   int64 // bytes in the current file, buffered included
	lines  int64 // records accepted over the writer's life, across rotations
	closed bool
}

// ErrClosed is returned by writes after Close.
var ErrClosed = errors.New("jsonl: writer closed")

// Open appends to path, creating it if needed.
func Open(path string, opts Options) (*Writer, error) {
	if opts.MaxSize < 0 || opts.Keep < 0 {
		return nil, fmt.Errorf("jsonl: MaxSize and Keep must not be negative")
	}
	if opts.BufferSize <= 0 {
		opts.BufferSize = 64 << 10
	}
	w := &Writer{path: path, opts: opts}
	if err := w.open(); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *Writer) open() error {
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("jsonl: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("jsonl: %w", err)
	}
	w.f, w.size = f, st.Size()
	if w.buf == nil {
		w.buf = bufio.NewWriterSize(f, w.opts.BufferSize)
	} else {
		w.buf.Reset(f)
	}
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
// newline is added here.
func (w *Writer) Write(record []byte) error {
	if bytes.IndexByte(record, '\n') >= 0 {
		return fmt.Errorf("jsonl: record spans several lines")
	}
	n := int64(len(record)) + 1
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	if w.opts.MaxSize > 0 && w.size > 0 && w.size+n > w.opts.MaxSize {
		if err := w.rotate(); err != nil {
			return err
		}
	}
	if _, err := w.buf.Write(record); err != nil {
		return fmt.Errorf("jsonl: %w", err)
	}
	if err := w.buf.WriteByte('\n'); err != nil {
		return fmt.Errorf("jsonl: %w", err)
	}
	w.size += n
	w.lines++
	return nil
}

// rotate flushes and closes the current file, shifts FILE.i to FILE.i+1
// (dropping what falls past Keep) and starts a new FILE.
func (w *Writer) rotate() error {
	if err := w.buf.Flush(); err != nil {
		return fmt.Errorf("jsonl: %w", err)
	}
	if err := w.f.Close(); err != nil {
		return fmt.Errorf("jsonl: %w", err)
	}
	if w.opts.Keep == 0 {
		if err := os.Remove(w.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("jsonl: %w", err)
		}
	} else {
		_ = os.Remove(rotated(w.path, w.opts.Keep)) // may not exist yet
		for i := w.opts.Keep - 1; i >= 1; i-- {
			if err := os.Rename(rotated(w.path, i), rotated(w.path, i+1)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("jsonl: %w", err)
			}
		}
		if err := os.Rename(w.path, rotated(w.path, 1)); err != nil {
			return fmt.Errorf("jsonl: %w", err)
		}
	}
	return w.open()
}

func rotated(path string, i int) string { return fmt.Sprintf("%s.%d", path, i) }

// Lines is the number of records accepted so far, across rotations.
func (w *Writer) Lines() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lines
}

// Flush writes buffered records to the file.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	if err := w.buf.Flush(); err != nil {
		return fmt.Errorf("jsonl: %w", err)
	}
	return nil
}

// Close flushes, syncs and closes the file. Later calls return nil.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	w.closed = true
	err := w.buf.Flush()
	if serr := w.f.Sync(); err == nil {
		err = serr
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("jsonl: %w", err)
	}
	return nil
}
