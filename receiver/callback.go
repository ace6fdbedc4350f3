package receiver

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// newToken returns 128 random bits, URL-safe: unguessable, so a request on
// the callback path really came from whoever we gave the URL to.
func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

func checkToken(tok string) error {
	if tok == "" {
		return fmt.Errorf("receiver: empty token")
	}
	for _, c := range tok {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
		if !ok {
			return fmt.Errorf("receiver: token may only hold letters, digits and -_.~")
		}
	}
	return nil
}

// servePath joins a prefix and the suffix ("/" + token, or a fixed path)
// into the one path we answer on.
func servePath(prefix, suffix string) string {
	prefix = strings.Trim(prefix, "/")
	if prefix == "" {
		return suffix
	}
	return "/" + prefix + suffix
}

// parseCallbackBase checks an explicit callback URL and returns it without a
// trailing slash.
func parseCallbackBase(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("receiver: callback URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("receiver: callback URL %q: scheme must be http or https", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("receiver: callback URL %q has no host", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("receiver: callback URL %q: no query or fragment allowed", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// callbackHost picks the host the sender should dial when no callback URL
// was given: the bound IP when it is specific; otherwise the local address of
// the route toward routeTo; otherwise loopback (with a warning from the
// caller).
func callbackHost(bound net.IP, routeTo string) (host string, guessed bool, err error) {
	if bound != nil && !bound.IsUnspecified() {
		return bound.String(), false, nil
	}
	if routeTo == "" {
		return "127.0.0.1", true, nil
	}
	ip, err := localAddrToward(routeTo)
	if err != nil {
		return "", false, err
	}
	return ip.String(), false, nil
}

// localAddrToward asks the kernel which local address it would use to reach
// target. Connecting a UDP socket selects a route without sending a packet.
// target may also be a URL such as the Monasca endpoint.
func localAddrToward(target string) (net.IP, error) {
	if u, err := url.Parse(target); err == nil && u.Host != "" && strings.Contains(target, "://") {
		target = u.Host
	}
	host, port, err := net.SplitHostPort(target)
	if err != nil {
		host, port = strings.Trim(target, "[]"), "9"
	}
	conn, err := net.Dial("udp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, fmt.Errorf("receiver: no route toward %s: %w", target, err)
	}
	defer conn.Close()
	return conn.LocalAddr().(*net.UDPAddr).IP, nil
}
