package marker

import (
	"regexp"
	"testing"
	"time"
)

func TestNewRunIDIsShortLowerCaseAndFresh(t *testing.T) {
	re := regexp.MustCompile(`^[a-z2-7]{8}$`)
	seen := map[string]bool{}
	for range 1000 {
		id := NewRunID()
		if !re.MatchString(id) {
			t.Fatalf("NewRunID() = %q, want 8 characters of a-z2-7", id)
		}
		if seen[id] {
			t.Fatalf("NewRunID() repeated %q within 1000 ids", id)
		}
		seen[id] = true
	}
}

var created = time.Date(2026, 1, 26, 0, 39, 27, 0, time.UTC)

func TestMarkerRoundTrip(t *testing.T) {
	name := ResourceName("k7qz2m4a", "alarm")
	desc := Description("k7qz2m4a", created.In(time.FixedZone("CET", 3600)))
	if name != "monhook-k7qz2m4a-alarm" {
		t.Errorf("ResourceName = %q", name)
	}
	if desc != "monhook test resource; run=k7qz2m4a; created=2026-01-26T00:39:27Z; safe to delete" {
		t.Errorf("Description = %q", desc)
	}
	if len(desc) > 255 {
		t.Errorf("description is %d characters; Monasca allows 255", len(desc))
	}
	m, ok := ParseMarker(name, desc)
	if !ok || m.RunID != "k7qz2m4a" || !m.Created.Equal(created) {
		t.Fatalf("ParseMarker = %+v, %v", m, ok)
	}
}

func TestParseMarkerIgnoresNearMisses(t *testing.T) {
	good := Description("k7qz2m4a", created)
	tests := []struct{ name, desc string }{
		{"monhook-k7qz2m4a-alarm", ""},                                 // no description
		{"monhook-k7qz2m4a-alarm", "monhook test resource"},            // partial description
		{"monhook-k7qz2m4a-alarm", "my alarm; " + good},                // description with a prefix
		{"monhook-k7qz2m4a-alarm", good + " (edited)"},                 // description with a suffix
		{"monhook-zzzzzzzz-alarm", good},                               // run ids differ
		{"monhook-prod-alerts", Description("prod", created)},          // hand-made, short id
		{"monhook-k7qz2m4ab-alarm", Description("k7qz2m4ab", created)}, // 9-character id
		{"monhook-K7QZ2M4A-alarm", Description("K7QZ2M4A", created)},   // upper case
		{"monhook-k7qz2m01-alarm", Description("k7qz2m01", created)},   // 0 and 1 are not base32
		{"Monhook-k7qz2m4a-alarm", good},                               // prefix case
		{"monhookx-k7qz2m4a-alarm", good},                              // prefix
		{"my-monhook-k7qz2m4a-alarm", good},                            // embedded
		{"monhook-k7qz2m4a-", good},                                    // no role
		{"monhook-k7qz2m4a-alarm ", good},                              // trailing space
		{"monhook-k7qz2m4a-alarm", "monhook test resource; run=k7qz2m4a; created=yesterday; safe to delete"},
		{"cpu high", "monhook test resource; run=k7qz2m4a; created=2026-01-26T00:39:27Z; safe to delete"},
	}
	for _, tt := range tests {
		if m, ok := ParseMarker(tt.name, tt.desc); ok {
			t.Errorf("ParseMarker(%q, %q) = %+v, want no marker", tt.name, tt.desc, m)
		}
	}
}

func TestMethodMarkerRoundTripAndNearMisses(t *testing.T) {
	name := MethodName("k7qz2m4a", created)
	if name != "monhook-k7qz2m4a-webhook-20260126T003927Z" {
		t.Errorf("MethodName = %q", name)
	}
	m, ok := ParseMethodMarker(name)
	if !ok || m.RunID != "k7qz2m4a" || !m.Created.Equal(created) {
		t.Fatalf("ParseMethodMarker = %+v, %v", m, ok)
	}
	for _, near := range []string{
		"monhook-k7qz2m4a-webhook",
		"monhook-k7qz2m4a-alarm",
		"monhook-k7qz2m4a-webhook-20260126t003927z",
		"monhook-k7qz2m4a-webhook-20261326T003927Z", // month 13
		"monhook-k7qz2m4a-webhook-20260126T003927Z-copy",
		"monhook-prod-webhook-20260126T003927Z",
		"team monhook-k7qz2m4a-webhook-20260126T003927Z",
		"ops webhook",
	} {
		if m, ok := ParseMethodMarker(near); ok {
			t.Errorf("ParseMethodMarker(%q) = %+v, want no marker", near, m)
		}
	}
}

func TestValidRole(t *testing.T) {
	for role, want := range map[string]bool{"alarm": true, "ok-cycle": true, "a1": true, "": false, "Alarm": false, "a--b": false, "-a": false, "a b": false} {
		if ValidRole(role) != want {
			t.Errorf("ValidRole(%q) = %v, want %v", role, !want, want)
		}
	}
}
