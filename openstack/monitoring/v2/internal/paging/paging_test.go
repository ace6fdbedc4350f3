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
	for name, f := range map[string]func(pagination.LinkedPageBase) (string, error){"literal": NextPageURL, "integer": NextPageByIntegerOffset, "link offset": NextPageByLinkOffset} {
		if got, err := f(p); err != nil || got != "" {
			t.Errorf("%s: next = %q, %v; want none", name, got, err)
		}
	}
	empty, err := IsEmpty(page(t, "http://mon/x", map[string]any{"elements": []any{}}))
	if err != nil || !empty {
		t.Errorf("IsEmpty(no elements) = %v, %v", empty, err)
	}
}

// The shape of a real paginate_measurements next link for a request whose
// start_time, dimensions and group_by were escaped by the client: the offset
// quoted once, every other parameter quoted a second time.
const doubleEncodedNext = "http://mon/v2.0/metrics/measurements?offset=01a2b3_2015-03-03T05%3A24%3A28.000Z" +
	"&dimensions=hostname%253Ah1&group_by=%252A&limit=2&name=cpu.idle_perc&start_time=2015-03-03T05%253A00%253A00.000Z"

func TestNextPageByLinkOffsetKeepsTheClientsEncoding(t *testing.T) {
	p := page(t, "http://mon/v2.0/metrics/measurements?dimensions=hostname%3Ah1&group_by=%2A&limit=2&name=cpu.idle_perc&start_time=2015-03-03T05%3A00%3A00.000Z", map[string]any{
		"links":    []any{map[string]any{"rel": "self", "href": "x"}, map[string]any{"rel": "next", "href": doubleEncodedNext}},
		"elements": elements(1),
	})
	got, err := NextPageByLinkOffset(p)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	for k, want := range map[string]string{
		"offset": "01a2b3_2015-03-03T05:24:28.000Z", "start_time": "2015-03-03T05:00:00.000Z",
		"dimensions": "hostname:h1", "group_by": "*", "limit": "2", "name": "cpu.idle_perc",
	} {
		if q.Get(k) != want {
			t.Errorf("%s = %q, want %q (next %s)", k, q.Get(k), want, got)
		}
	}
	if u.Host != "mon" || u.Path != "/v2.0/metrics/measurements" || len(q) != 6 {
		t.Errorf("next %s", got)
	}
}

func TestNextPageByLinkOffsetReplacesTheCurrentOffset(t *testing.T) {
	p := page(t, "http://mon/v2.0/alarms?limit=1&offset=1&metric_dimensions=hostname%3Ah1", map[string]any{
		"links":    []any{map[string]any{"rel": "next", "href": "http://mon/v2.0/alarms?offset=2&limit=1&metric_dimensions=hostname%253Ah1"}},
		"elements": elements(1),
	})
	got, err := NextPageByLinkOffset(p)
	if want := "http://mon/v2.0/alarms?limit=1&metric_dimensions=hostname%3Ah1&offset=2"; err != nil || got != want {
		t.Fatalf("next = %q, %v; want %q", got, err, want)
	}
}

func TestNextPageByLinkOffsetRefusesALinkWithoutOffset(t *testing.T) {
	p := page(t, "http://mon/v2.0/metrics", map[string]any{
		"links":    []any{map[string]any{"rel": "next", "href": "http://mon/v2.0/metrics?limit=1"}},
		"elements": elements(1),
	})
	if got, err := NextPageByLinkOffset(p); err == nil {
		t.Fatalf("next = %q, want an error", got)
	}
}
