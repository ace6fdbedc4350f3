package lab

import (
	"net/http"
	"strconv"
)

// SpeedHeader is on every answer of the lab: its --speed. A check finds
// out from it that its target is the lab and at what speed it runs, so it
// scales its timings without being told and says so in its report. Real
// Monasca never sends it.
const SpeedHeader = "X-Monhook-Lab-Speed"

func announceSpeed(speed float64, next http.Handler) http.Handler {
	v := strconv.FormatFloat(speed, 'g', -1, 64)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(SpeedHeader, v)
		next.ServeHTTP(w, r)
	})
}
