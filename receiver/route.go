package receiver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// HealthPath answers GET and HEAD with 200 and the counters, for load
// balancers and `curl` checks; it is never a delivery or a stray.
const HealthPath = "/healthz"

func (r *Receiver) health(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "the health route answers GET", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if req.Method == http.MethodHead {
		return
	}
	_ = json.NewEncoder(w).Encode(struct {
		Status string `json:"status"`
		Stats
	}{"ok", r.Stats()})
}

// strayText is the body of a stray's error answer. A wrong path gets the
// right URL when it is no secret (a fixed path), and a hint otherwise: the
// classic recipe's curl to a guessed path should learn where to post.
func (r *Receiver) strayText(status int, reason string) string {
	text := http.StatusText(status)
	if reason != StrayWrongPath {
		if reason == StrayWrongMethod {
			text += ": deliveries are POSTed"
		}
		return text
	}
	if r.token == "" {
		target := r.CallbackURL()
		if target == "" {
			target = r.path
		}
		return fmt.Sprintf("%s: this receiver takes deliveries at POST %s", text, target)
	}
	return text + ": this receiver takes deliveries only on its secret callback path (printed by `monhook listen` as \"ready <url>\")"
}

// forwardStatus is the answer to the sender after a relay: a failed relay
// turns a success into ForwardFailStatus unless ForwardBestEffort is set;
// an answer that already fails (FailFirst) stays.
func (r *Receiver) forwardStatus(f *ForwardResult, status int) int {
	if r.opts.ForwardBestEffort || status < 200 || status > 299 {
		return status
	}
	if !f.OK() {
		return r.opts.ForwardFailStatus
	}
	return status
}

// checkFixedPath accepts an absolute path of URL-safe characters and
// returns it without a trailing slash.
func checkFixedPath(p string) (string, error) {
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("receiver: path %q must start with /", p)
	}
	trimmed := strings.TrimRight(p, "/")
	if trimmed == "" {
		return "", fmt.Errorf("receiver: path %q: the root cannot be the delivery path", p)
	}
	for _, seg := range strings.Split(trimmed[1:], "/") {
		if seg == "" || seg == "." || seg == ".." {
			return "", fmt.Errorf("receiver: path %q has an empty, . or .. segment", p)
		}
	}
	for _, c := range trimmed {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.~/:@!$&'()*+,;=", c)
		if !ok {
			return "", fmt.Errorf("receiver: path %q: %q is not allowed (letters, digits, / and -_.~:@!$&'()*+,;=)", p, c)
		}
	}
	return trimmed, nil
}
