package paging

import (
	"net/url"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/pagination"
)

func page(t *testing.T, rawURL string, body map[string]any) pagination.LinkedPageBase {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return pagination.LinkedPageBase{PageResult: pagination.PageResult{Result: gophercloud.Result{Body: body, StatusCode: 200}, URL: *u}}
}

func elements(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = map[string]any{"id": "x"}
	}
	return out
}

func TestNextPageByIntegerOffsetIgnoresTheUUIDOffset(t *testing.T) {
	p := page(t, "http://mon/v2.0/notification-methods?limit=2&offset=4&sort_by=name", map[string]any{
		"links":    []any{map[string]any{"rel": "next", "href": "http://mon/v2.0/notification-methods?offset=35cc6f1c-uuid&limit=2"}},
		"elements": elements(2),
	})
	got, err := NextPageByIntegerOffset(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := "http://mon/v2.0/notification-methods?limit=2&offset=6&sort_by=name"; got != want {
		t.Fatalf("next = %q, want %q", got, want)
	}
}

func TestNextPageStopsWithoutANextLink(t *testing.T) {
	p := page(t, "http://mon/v2.0/notification-methods", map[string]any{
		"links":    []any{map[string]any{"rel": "self", "href": "http://mon/v2.0/notification-methods"}},
		"elements": elements(3),
	})
	for name, f := range map[string]func(pagination.LinkedPageBase) (string, error){"literal": NextPageURL, "integer": NextPageByIntegerOffset} {
		if got, err := f(p); err != nil || got != "" {
			t.Errorf("%s: next = %q, %v; want none", name, got, err)
		}
	}
	empty, err := IsEmpty(page(t, "http://mon/x", map[string]any{"elements": []any{}}))
	if err != nil || !empty {
		t.Errorf("IsEmpty(no elements) = %v, %v", empty, err)
	}
}
