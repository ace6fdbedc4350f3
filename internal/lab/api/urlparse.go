package api

import (
	"errors"
	"net/netip"
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// splitURL is the part of CPython's urllib.parse.urlsplit (3.12 and later)
// that the webhook check depends on: the scheme and the network location,
// or the ValueError urlsplit raises.
type splitURL struct{ scheme, netloc string }

var errInvalidURL = errors.New("invalid URL")

const schemeChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-."

func pyURLSplit(url string) (splitURL, error) {
	// WHATWG: leading C0 controls and spaces go, and tab, CR and LF go
	// anywhere.
	url = strings.TrimLeftFunc(url, func(r rune) bool { return r <= ' ' })
	url = strings.NewReplacer("\t", "", "\r", "", "\n", "").Replace(url)
	var u splitURL
	if i := strings.IndexByte(url, ':'); i > 0 && isASCIILetter(url[0]) {
		if strings.Trim(url[:i], schemeChars) == "" {
			u.scheme, url = strings.ToLower(url[:i]), url[i+1:]
		}
	}
	if strings.HasPrefix(url, "//") {
		rest := url[2:]
		end := len(rest)
		if i := strings.IndexAny(rest, "/?#"); i >= 0 {
			end = i
		}
		u.netloc = rest[:end]
		open, closed := strings.Contains(u.netloc, "["), strings.Contains(u.netloc, "]")
		if open != closed {
			return u, errInvalidURL
		}
		if open {
			if err := checkBracketedNetloc(u.netloc); err != nil {
				return u, err
			}
		}
	}
	return u, checkNetlocNFKC(u.netloc)
}

func isASCIILetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// checkBracketedNetloc: nothing before the "[", only a ":port" after the
// "]", and between them an IPv6 address or an IPvFuture literal.
func checkBracketedNetloc(netloc string) error {
	hostPort := netloc[strings.LastIndexByte(netloc, '@')+1:]
	var host string
	if before, bracketed, ok := strings.Cut(hostPort, "["); ok {
		if before != "" {
			return errInvalidURL
		}
		h, port, _ := strings.Cut(bracketed, "]")
		if port != "" && !strings.HasPrefix(port, ":") {
			return errInvalidURL
		}
		host = h
	} else {
		host, _, _ = strings.Cut(hostPort, "]")
	}
	return checkBracketedHost(host)
}

var ipvFuture = regexp.MustCompile(`\Av[a-fA-F0-9]+\.[^\n]+\z`)

// checkBracketedHost is ipaddress.ip_address(host) refusing IPv4.
func checkBracketedHost(host string) error {
	if strings.HasPrefix(host, "v") {
		if !ipvFuture.MatchString(host) {
			return errInvalidURL
		}
		return nil
	}
	if strings.Count(host, "%") > 1 { // a scope id may not hold '%'
		return errInvalidURL
	}
	a, err := netip.ParseAddr(host)
	if err != nil || !a.Is6() {
		return errInvalidURL
	}
	return nil
}

// checkNetlocNFKC is urllib's _checknetloc: a non-ASCII netloc whose NFKC
// form gains one of / ? # @ : would be read differently by IDNA.
func checkNetlocNFKC(netloc string) error {
	if isASCII(netloc) {
		return nil
	}
	n := strings.NewReplacer("@", "", ":", "", "#", "", "?", "").Replace(netloc)
	n2 := norm.NFKC.String(n)
	if n == n2 {
		return nil
	}
	if strings.ContainsAny(n2, "/?#@:") {
		return errInvalidURL
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
