// Package wirecapture reads one HTTP request off a raw socket for tests
// that check what a webhook sender writes on the wire (header names as
// written, their order-free set, the body byte for byte), which an
// http.Handler cannot see: net/http canonicalises the header names. The
// webhook sender's and the lab notifier's tests share it.
package wirecapture

import (
	"bufio"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// limit bounds the connection and the wait for it, so a sender that never
// connects fails the test instead of hanging it.
const limit = 10 * time.Second

// Request is one request as it came over the connection.
type Request struct {
	Line string   // the request line, "POST /path HTTP/1.1"
	Head []string // the header lines as written, without CRLF
	Body string   // Content-Length bytes after the head
}

// Serve listens on a loopback port, takes one connection, reads one request
// from it and answers with reply (a whole raw HTTP response). It returns
// the host:port to send to and a function that waits for the request.
// The listener is closed when the test ends.
func Serve(t testing.TB, reply string) (addr string, request func() Request) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	got := make(chan Request, 1)
	failed := make(chan error, 1)
	go func() {
		r, err := accept(ln, reply)
		if err != nil {
			failed <- err
			return
		}
		got <- r
	}()
	return ln.Addr().String(), func() Request {
		t.Helper()
		select {
		case r := <-got:
			return r
		case err := <-failed:
			t.Fatalf("reading the request off the wire: %v", err)
		case <-time.After(limit):
			t.Fatalf("no request within %v", limit)
		}
		panic("unreachable")
	}
}

func accept(ln net.Listener, reply string) (Request, error) {
	var r Request
	c, err := ln.Accept()
	if err != nil {
		return r, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(limit))
	br := bufio.NewReader(c)
	if r.Line, err = readLine(br); err != nil {
		return r, err
	}
	length := 0
	for {
		l, err := readLine(br)
		if err != nil {
			return r, err
		}
		if l == "" {
			break
		}
		r.Head = append(r.Head, l)
		if name, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(name, "Content-Length") {
			if length, err = strconv.Atoi(strings.TrimSpace(v)); err != nil {
				return r, err
			}
		}
	}
	b := make([]byte, length)
	if _, err := io.ReadFull(br, b); err != nil {
		return r, err
	}
	r.Body = string(b)
	_, err = io.WriteString(c, reply)
	return r, err
}

func readLine(br *bufio.Reader) (string, error) {
	l, err := br.ReadString('\n')
	return strings.TrimRight(l, "\r\n"), err
}
