package profile

import (
	"strings"
	"testing"

	"github.com/monhook/monhook/webhook"
)

func TestParseNamesTheValidValues(t *testing.T) {
	if _, err := Parse("liberty", ""); err == nil || !strings.Contains(err.Error(), "mitaka, newton") {
		t.Fatalf("unknown release: %v", err)
	}
	if _, err := Parse("", "ruby"); err == nil || !strings.Contains(err.Error(), "python, java") {
		t.Fatalf("unknown api: %v", err)
	}
	p, err := Parse("latest", "python")
	if err != nil || !p.IsLatest() || p != Latest {
		t.Fatalf("latest/python must be the zero profile: %+v %v", p, err)
	}
	if p := MustParse("Mitaka", "JAVA"); p.Release() != "mitaka" || !p.Java() || p.String() != "mitaka/java" {
		t.Fatalf("names are case-insensitive: %+v", p)
	}
}

// Each release's features, as doc.go lists them.
func TestFeaturesByRelease(t *testing.T) {
	cases := []struct {
		release                 string
		periods, fixedTypes     bool
		encoding                webhook.Encoding
		authToken, determinstic bool
	}{
		{"mitaka", false, true, webhook.JSON, false, false},
		{"newton", true, false, webhook.JSON, false, true},
		{"ocata", true, false, webhook.JSON, false, true},
		{"pike", true, false, webhook.UJSON, false, true},
		{"queens", true, false, webhook.UJSON, false, true},
		{"rocky", true, false, webhook.UJSON, true, true},
		{"train", true, false, webhook.UJSON, true, true},
		{"ussuri", true, false, webhook.SimpleJSON, true, true},
		{"latest", true, false, webhook.SimpleJSON, true, true},
	}
	for _, c := range cases {
		p := MustParse(c.release, "")
		if p.NotificationPeriods() != c.periods || p.NotificationTypesRoute() != c.periods ||
			p.PatchNotificationMethods() != c.periods || p.NotificationSortBy() != c.periods {
			t.Errorf("%s: notification-method features want %v", c.release, c.periods)
		}
		if (p.FixedNotificationTypes() != nil) != c.fixedTypes {
			t.Errorf("%s: fixed types %v", c.release, p.FixedNotificationTypes())
		}
		if p.WebhookEncoding() != c.encoding {
			t.Errorf("%s: encoding %s, want %s", c.release, p.WebhookEncoding(), c.encoding)
		}
		if p.WebhookAuthToken() != c.authToken {
			t.Errorf("%s: auth token %v", c.release, p.WebhookAuthToken())
		}
		if p.DeterministicAlarms() != c.determinstic || p.LastFunction() != c.determinstic {
			t.Errorf("%s: deterministic/last %v", c.release, c.determinstic)
		}
	}
}
