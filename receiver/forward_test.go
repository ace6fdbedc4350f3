package receiver

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestForwardRelaysTheBodyAndRecordsTheConsumerStatus(t *testing.T) {
	type got struct {
		body  string
		token string
	}
	seen := make(chan got, 1)
	consumer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		seen <- got{string(b), req.Header.Get("X-Auth-Token")}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer consumer.Close()
	r := newTestReceiver(t, Options{ForwardTo: consumer.URL + "/hook"})
	defer r.Close()
	if rec := post(r, "/tok", monascaBody, http.Header{"X-Auth-Token": {"svc-token"}}); rec.Code != 200 {
		t.Fatalf("status = %d", rec.Code)
	}
	g := <-seen
	if g.body != monascaBody || g.token != "svc-token" {
		t.Fatalf("consumer got %+v", g)
	}
	f := r.Deliveries()[0].Forward
	if f == nil || f.Status != http.StatusAccepted || f.Error != "" || f.URL != consumer.URL+"/hook" {
		t.Fatalf("forward = %+v", f)
	}
}

func TestForwardFailureIsRecordedNotFatal(t *testing.T) {
	consumer := httptest.NewServer(http.NotFoundHandler())
	url := consumer.URL
	consumer.Close() // nothing listens any more
	r := newTestReceiver(t, Options{ForwardTo: url})
	defer r.Close()
	if rec := post(r, "/tok", monascaBody, nil); rec.Code != 200 {
		t.Fatalf("status = %d; the sender's answer must not depend on the consumer", rec.Code)
	}
	if f := r.Deliveries()[0].Forward; f == nil || f.Error == "" || f.Status != 0 {
		t.Fatalf("forward = %+v, want an error recorded", f)
	}
}
