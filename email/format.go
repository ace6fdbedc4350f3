package email

import "strings"

// Format is one release family's message layout.
type Format int

const (
	// FormatMitaka is mitaka … ocata: a us-ascii 7bit body, a plain
	// Subject, no Date, no Grafana link.
	FormatMitaka Format = iota + 1
	// FormatPike is pike: a utf-8 base64 body, an RFC 2047 Subject and a
	// Date header, no Grafana link.
	FormatPike
	// FormatQueens is queens … the last release: as pike, plus the
	// "Link to Grafana:" line and a blank line after the alarm id.
	FormatQueens
)

// Latest is the format of the newest releases.
const Latest = FormatQueens

func (f Format) String() string {
	switch f {
	case FormatMitaka:
		return "mitaka"
	case FormatPike:
		return "pike"
	case FormatQueens:
		return "queens"
	}
	return "unknown"
}

// releaseOrder lists the OpenStack release names from the first that ran
// monasca-notification's email plugin as a plugin to the last.
var releaseOrder = []string{"liberty", "mitaka", "newton", "ocata", "pike", "queens", "rocky", "stein",
	"train", "ussuri", "victoria", "wallaby", "xena", "yoga", "zed"}

// FormatFor returns the format a release's email plugin writes; ok is false
// for a name it does not know (the caller then uses Latest).
func FormatFor(release string) (f Format, ok bool) {
	r := strings.ToLower(strings.TrimSpace(release))
	for i, name := range releaseOrder {
		if name != r {
			continue
		}
		switch {
		case i <= 3: // … ocata
			return FormatMitaka, true
		case i == 4:
			return FormatPike, true
		default:
			return FormatQueens, true
		}
	}
	return Latest, false
}
