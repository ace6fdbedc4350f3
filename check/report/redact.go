package report

import (
	"net/url"
	"strings"
)

// RedactPath hides a long last path segment, which is where the receiver
// keeps a run's secret callback token, keeping its last four characters to
// tell runs apart. A path already redacted, or with a short last segment
// (/, /webhook), comes back unchanged.
func RedactPath(p string) string {
	i := strings.LastIndex(p, "/")
	if tok := p[i+1:]; len(tok) > 8 {
		return p[:i+1] + "…" + tok[len(tok)-4:]
	}
	return p
}

// redacted applies RedactPath to every path and URL the document prints,
// so that no writer (table, JSON, YAML, JUnit, and serve's pages, which use
// them) can show a callback token, whatever the runner put in.
func (r *Report) redacted() {
	if r.CallbackURL != "" {
		if u, err := url.Parse(r.CallbackURL); err == nil && u.Host != "" {
			r.CallbackURL = u.Scheme + "://" + u.Host + RedactPath(u.Path)
		}
	}
	strays := make([]Stray, len(r.Strays))
	for i, s := range r.Strays {
		s.Path = RedactPath(s.Path)
		strays[i] = s
	}
	r.Strays = strays
}
