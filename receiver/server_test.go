package receiver

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Receiver.Close and Mux.Close share httpServer.shutdown: in-flight
// requests may finish while ctx allows; what is still running then is cut
// off, and Close says so.
func TestHTTPServerShutdownWaitsThenCutsOff(t *testing.T) {
	for _, tc := range []struct {
		name    string
		finish  bool // the in-flight request finishes before the deadline
		wantErr string
	}{
		{"in-flight request finishes", true, ""},
		{"in-flight request outlives the deadline", false, "in-flight requests cut off"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			started, release := make(chan struct{}), make(chan struct{})
			s := serveHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				close(started)
				select {
				case <-release:
				case <-r.Context().Done():
				}
			}), ln, nil)
			answered := make(chan error, 1)
			go func() {
				resp, err := http.Post("http://"+ln.Addr().String()+"/", "application/json", strings.NewReader("{}"))
				if err == nil {
					resp.Body.Close()
				}
				answered <- err
			}()
			<-started
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if tc.finish {
				close(release)
			} else {
				cancel() // no time left: what runs now is cut off
			}
			err = s.shutdown(ctx)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("shutdown = %v, want %q", err, tc.wantErr)
			}
			select {
			case err := <-answered:
				if tc.finish != (err == nil) {
					t.Errorf("client got %v; finished in time: %v", err, tc.finish)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the in-flight request was neither answered nor cut off")
			}
		})
	}
}
