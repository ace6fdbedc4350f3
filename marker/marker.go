package marker

import (
	"crypto/rand"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Resource names carry the run id so parallel runs in one project never
// collide (Monasca refuses duplicate names per tenant with 409), and
// cleanup can find leftovers after a crash. The marker must be recognised
// only on resources monhook made: ParseMarker and ParseMethodMarker are
// exact, so anything else, however similar, is left alone.

// RunIDLength is the length of a run id.
const RunIDLength = 8

const (
	namePrefix = "monhook-"
	// descFormat is Description's layout; descRE below must match it.
	descFormat      = "monhook test resource; run=%s; created=%s; safe to delete"
	methodRole      = "webhook"
	emailMethodRole = "email"
	compactRFC3339  = "20060102T150405Z"
)

var (
	// Run ids are lower-case base32 (a-z, 2-7), as NewRunID makes them.
	runIDPattern   = `[a-z2-7]{8}`
	resourceNameRE = regexp.MustCompile(`^monhook-(` + runIDPattern + `)-([a-z0-9]+(?:-[a-z0-9]+)*)$`)
	descRE         = regexp.MustCompile(`^monhook test resource; run=(` + runIDPattern + `); created=([0-9TZ:+.-]+); safe to delete$`)
	methodRE       = regexp.MustCompile(`^monhook-(` + runIDPattern + `)-(?:` + methodRole + `|` + emailMethodRole + `)-([0-9]{8}T[0-9]{6}Z)$`)
	roleRE         = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
)

// NewRunID returns a fresh run id: 8 lower-case characters (a-z, 2-7)
// from crypto/rand, 40 bits, enough that parallel runs do not meet.
func NewRunID() string {
	return strings.ToLower(rand.Text()[:RunIDLength])
}

// ResourceName is "monhook-<runid>-<role>", e.g. monhook-k7qz2m4a-alarm.
// role is lower-case letters, digits and single '-'.
func ResourceName(runID, role string) string {
	return namePrefix + runID + "-" + role
}

// Description marks a resource as a monhook test, with the run id and the
// creation time (UTC, RFC 3339), for the alarm definition's description.
func Description(runID string, created time.Time) string {
	return fmt.Sprintf(descFormat, runID, created.UTC().Format(time.RFC3339))
}

// Marker is what a monhook resource says about itself.
type Marker struct {
	RunID   string
	Created time.Time
}

// ParseMarker recognises an alarm definition monhook created: the name
// must be ResourceName(runID, role) and the description exactly
// Description(runID, created), with the same run id. Anything else,
// including a hand-made "monhook-prod-alerts", is not monhook's.
func ParseMarker(name, description string) (Marker, bool) {
	n := resourceNameRE.FindStringSubmatch(name)
	d := descRE.FindStringSubmatch(description)
	if n == nil || d == nil || n[1] != d[1] {
		return Marker{}, false
	}
	created, err := time.Parse(time.RFC3339, d[2])
	if err != nil {
		return Marker{}, false
	}
	return Marker{RunID: n[1], Created: created}, true
}

// MethodName is the notification method's name. Monasca's notification
// methods have no description (and no created_at), so the whole marker
// lives in the name: "monhook-<runid>-webhook-<created>", the creation time
// in UTC as 20060102T150405Z.
func MethodName(runID string, created time.Time) string {
	return ResourceName(runID, methodRole) + "-" + created.UTC().Format(compactRFC3339)
}

// EmailMethodName is MethodName for an EMAIL method:
// "monhook-<runid>-email-<created>".
func EmailMethodName(runID string, created time.Time) string {
	return ResourceName(runID, emailMethodRole) + "-" + created.UTC().Format(compactRFC3339)
}

// RunIDOf returns the run id of a name ResourceName made (an alarm
// definition's name, as a mail's subject carries it).
func RunIDOf(name string) (string, bool) {
	n := resourceNameRE.FindStringSubmatch(name)
	if n == nil {
		return "", false
	}
	return n[1], true
}

// ParseMethodMarker recognises a notification method monhook created: its
// name must be exactly MethodName(runID, created) or
// EmailMethodName(runID, created).
func ParseMethodMarker(name string) (Marker, bool) {
	m := methodRE.FindStringSubmatch(name)
	if m == nil {
		return Marker{}, false
	}
	created, err := time.Parse(compactRFC3339, m[2])
	if err != nil {
		return Marker{}, false
	}
	return Marker{RunID: m[1], Created: created}, true
}

// ValidRole reports whether role can be used with ResourceName.
func ValidRole(role string) bool { return roleRE.MatchString(role) }
