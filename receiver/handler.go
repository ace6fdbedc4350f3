package receiver

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"time"
)

// ServeHTTP answers on the callback path only. It is the hot path: no lock
// is held while reading, validating, relaying or calling OnDelivery.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	now := time.Now()
	if req.URL.Path == HealthPath && req.URL.Path != r.path {
		r.health(w, req)
		return
	}
	if req.URL.Path != r.path {
		r.stray(w, req, now, http.StatusNotFound, StrayWrongPath, "")
		return
	}
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		r.stray(w, req, now, http.StatusMethodNotAllowed, StrayWrongMethod, "")
		return
	}
	if r.answerProbe(w, req) {
		return
	}
	body, err := readBody(w, req, r.opts.MaxBody)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			r.stats.oversized.Add(1)
			r.stray(w, req, now, http.StatusRequestEntityTooLarge, StrayOversized, err.Error())
		} else {
			r.stray(w, req, now, http.StatusBadRequest, StrayReadError, err.Error())
		}
		return
	}
	n, findings, err := Validate(body)
	if err != nil {
		r.stats.malformed.Add(1)
		r.stray(w, req, now, http.StatusBadRequest, StrayMalformed, err.Error())
		return
	}
	if f, ok := contentTypeFinding(req.Header.Get("Content-Type")); !ok {
		findings = append(findings, f)
	}
	status := r.opts.RespondStatus
	if r.attempts.Add(1) <= int64(r.opts.FailFirst) {
		status = r.opts.FailStatus
	}
	d := Delivery{
		Seq:          int(r.seq.Add(1)),
		ReceivedAt:   now,
		Remote:       req.RemoteAddr,
		Method:       req.Method,
		Path:         req.URL.Path,
		Headers:      redactHeaders(req.Header),
		Body:         body,
		Notification: n,
		Findings:     findings,
		Status:       status,
	}
	if r.forward != nil {
		d.Forward = r.forward.relay(req.Context(), body, req.Header)
		status = r.forwardStatus(d.Forward, status)
		d.Status = status
	}
	if r.opts.Persist != nil {
		if err := r.opts.Persist(d); err != nil {
			d.Status = http.StatusServiceUnavailable
			d.Findings = append(d.Findings, Finding{Code: FindingNotSaved, Detail: "could not save the delivery: " + err.Error()})
			status = d.Status
		}
	}
	r.record(d)
	if r.opts.Delay > 0 {
		r.wait(req, r.opts.Delay)
	}
	w.WriteHeader(status)
}

// readBody reads at most limit bytes, sizing the buffer from Content-Length
// when the sender gave one so that a normal body costs one allocation.
func readBody(w http.ResponseWriter, req *http.Request, limit int64) ([]byte, error) {
	body := http.MaxBytesReader(w, req.Body, limit)
	size := req.ContentLength
	if size < 0 || size > limit {
		size = 512
	}
	buf := make([]byte, 0, size+1) // +1 so EOF is seen without growing
	for {
		n, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

func contentTypeFinding(ct string) (Finding, bool) {
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && mt == "application/json" {
		return Finding{}, true
	}
	if ct == "" {
		ct = "absent"
	}
	return Finding{Code: FindingContentType, Key: "Content-Type", Detail: "Content-Type is " + ct + "; Monasca sends application/json"}, false
}

// wait holds the answer back for d, until the
// sender hangs up, or until the receiver shuts down.
func (r *Receiver) wait(req *http.Request, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-req.Context().Done():
	case <-r.stopping:
	}
}

func (r *Receiver) stray(w http.ResponseWriter, req *http.Request, now time.Time, status int, reason, detail string) {
	s := Stray{ReceivedAt: now, Remote: req.RemoteAddr, Method: req.Method, Path: req.URL.Path, Reason: reason, Detail: detail, Status: status}
	r.stats.strays.Add(1)
	r.mu.Lock()
	r.strays.push(s)
	r.mu.Unlock()
	if r.opts.OnStray != nil {
		r.opts.OnStray(s)
	}
	http.Error(w, r.strayText(status, reason), status)
}

// record adds d to the history, hands it to matching waiters, then to
// OnDelivery — all before the sender gets its answer.
func (r *Receiver) record(d Delivery) {
	r.mu.Lock()
	r.deliveries.push(d)
	var ws []*waiter
	if len(r.waiters) > 0 {
		ws = make([]*waiter, 0, len(r.waiters))
		for w := range r.waiters {
			ws = append(ws, w)
		}
	}
	r.mu.Unlock()
	r.stats.deliveries.Add(1)
	for _, w := range ws {
		w.offer(d)
	}
	if r.opts.OnDelivery != nil {
		r.opts.OnDelivery(d)
	}
}
