package receiver

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func BenchmarkValidate(b *testing.B) {
	body := []byte(monascaBody)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, f, err := Validate(body); err != nil || len(f) != 0 {
			b.Fatal(err, f)
		}
	}
}

func BenchmarkDeliveryAppendJSON(b *testing.B) {
	r, _ := New(Options{Token: "tok"})
	post(r, "/tok", monascaBody, http.Header{"User-Agent": {"python-requests/2.31"}})
	d := r.Deliveries()[0]
	buf := make([]byte, 0, 2048)
	for b.Loop() {
		buf = d.AppendJSON(buf[:0])
	}
}

func BenchmarkServeHTTP(b *testing.B) {
	r, _ := New(Options{Token: "tok"})
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/tok", strings.NewReader(monascaBody))
		req.Header.Set("Content-Type", "application/json")
		r.ServeHTTP(httptest.NewRecorder(), req)
	}
}

// BenchmarkBareDecode is what a decode-only handler does, for comparison.
func BenchmarkBareDecode(b *testing.B) {
	body := []byte(monascaBody)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var n Notification
		if err := json.Unmarshal(body, &n); err != nil {
			b.Fatal(err)
		}
	}
}
