package receiver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"
)

// httpServer is what a Receiver and a Mux listen with: limits sized for
// webhook posts (a slow or stuck sender cannot hold a connection for long),
// serving in the background, and a shutdown that lets in-flight requests
// finish while ctx allows.
type httpServer struct {
	srv  *http.Server
	done chan error // why Serve returned; nil after a shutdown
}

// serveHTTP serves h on ln in the background; errLog nil drops the
// server's own log lines (handshake errors are counted elsewhere).
func serveHTTP(h http.Handler, ln net.Listener, errLog *log.Logger) *httpServer {
	if errLog == nil {
		errLog = log.New(io.Discard, "", 0)
	}
	s := &httpServer{
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          errLog,
		},
		done: make(chan error, 1),
	}
	go func() {
		err := s.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.done <- err
	}()
	return s
}

// shutdown stops accepting, waits for in-flight requests until ctx ends,
// then cuts off what is left. It says what went wrong: requests cut off,
// else a failure of Serve itself.
func (s *httpServer) shutdown(ctx context.Context) error {
	var err error
	if e := s.srv.Shutdown(ctx); e != nil {
		_ = s.srv.Close()
		err = fmt.Errorf("receiver: in-flight requests cut off: %w", e)
	}
	if e := <-s.done; e != nil && err == nil {
		err = e
	}
	return err
}
