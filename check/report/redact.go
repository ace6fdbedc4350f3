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

// RedactURL is raw with RedactPath applied to its path (scheme and host
// kept, query dropped); ok is false when raw is not a URL with a host.
func RedactURL(raw string) (redacted string, ok bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", false
	}
	return u.Scheme + "://" + u.Host + RedactPath(u.Path), true
}

// redacted applies RedactPath to every path and URL the document prints,
// so that no writer (table, JSON, YAML, JUnit, and serve's pages, which use
// them) can show a callback token, whatever the runner put in.
func (r *Report) redacted() {
	if u, ok := RedactURL(r.CallbackURL); ok {
		r.CallbackURL = u
	}
	strays := make([]Stray, len(r.Strays))
	for i, s := range r.Strays {
		s.Path = RedactPath(s.Path)
		strays[i] = s
	}
	r.Strays = strays
}
