package lab_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/monhook/monhook/internal/lab"
)

func TestEveryAnswerAnnouncesTheLabsSpeed(t *testing.T) {
	l := lab.New(lab.Options{Speed: 60, Hosts: -1})
	for _, path := range []string{"/monitoring/v2.0", "/identity/v3", "/nowhere"} {
		rec := httptest.NewRecorder()
		l.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if got := rec.Header().Get(lab.SpeedHeader); got != "60" {
			t.Errorf("GET %s: %s = %q, want 60", path, lab.SpeedHeader, got)
		}
	}
}
