package marker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	th "github.com/gophercloud/gophercloud/v2/testhelper"
	"github.com/gophercloud/gophercloud/v2/testhelper/client"

	"github.com/monhook/monhook/marker"
)

// monascaList serves a Monasca list body (one page) of the given elements.
func monascaList(fs th.FakeServer, path string, elements []map[string]any) {
	fs.Mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			http.Error(w, "only GET", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"links":    []map[string]string{{"rel": "self", "href": fs.Endpoint() + strings.TrimPrefix(path, "/")}},
			"elements": elements,
		})
	})
}

// Cleanup and serve's start-up sweep find leftovers through Find: only
// resources with monhook's exact marker, narrowed by run, instance and
// age, definitions before methods.
func TestFindListsOnlyMarkedResourcesPassingTheFilter(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	old, recent := now.Add(-2*time.Hour), now.Add(-time.Minute)
	def := func(id, runID string, created time.Time) map[string]any {
		return map[string]any{"id": id, "name": marker.ResourceName(runID, "alarm"), "description": marker.Description(runID, created),
			"expression": "max(cpu.idle_perc) < 10"}
	}
	method := func(id, typ, name string) map[string]any {
		return map[string]any{"id": id, "name": name, "type": typ, "address": "http://127.0.0.1:1/x", "period": 0}
	}
	fs := th.SetupHTTP()
	defer fs.Teardown()
	monascaList(fs, "/alarm-definitions", []map[string]any{
		def("d-old", "abcdaaaa", old),
		def("d-recent", "abcdbbbb", recent),
		def("d-other", "wxyzaaaa", old),
		{"id": "d-hand", "name": "monhook-prod-alerts", "description": "ours, by hand", "expression": "max(cpu.idle_perc) < 10"},
	})
	monascaList(fs, "/notification-methods", []map[string]any{
		method("m-old", "WEBHOOK", marker.MethodName("abcdaaaa", old)),
		method("m-email", "EMAIL", marker.MethodName("abcdaaaa", old)),
		method("m-other", "WEBHOOK", marker.MethodName("wxyzaaaa", old)),
		method("m-hand", "WEBHOOK", "ops webhook"),
	})
	c := client.ServiceClient(fs)

	for _, tc := range []struct {
		name   string
		filter marker.Filter
		want   string
	}{
		{"everything marked", marker.Filter{}, "alarm-definition d-old abcdaaaa, alarm-definition d-recent abcdbbbb, alarm-definition d-other wxyzaaaa, notification-method m-old abcdaaaa, notification-method m-other wxyzaaaa"},
		{"one run", marker.Filter{RunID: "abcdaaaa"}, "alarm-definition d-old abcdaaaa, notification-method m-old abcdaaaa"},
		{"one instance", marker.Filter{RunIDPrefix: "abcd"}, "alarm-definition d-old abcdaaaa, alarm-definition d-recent abcdbbbb, notification-method m-old abcdaaaa"},
		{"older than an hour", marker.Filter{OlderThan: time.Hour, Now: now}, "alarm-definition d-old abcdaaaa, alarm-definition d-other wxyzaaaa, notification-method m-old abcdaaaa, notification-method m-other wxyzaaaa"},
		{"instance and age", marker.Filter{RunIDPrefix: "abcd", OlderThan: time.Hour, Now: now}, "alarm-definition d-old abcdaaaa, notification-method m-old abcdaaaa"},
		{"no such run", marker.Filter{RunID: "zzzzzzzz"}, ""},
	} {
		found, err := marker.Find(context.Background(), c, tc.filter)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var got []string
		for _, r := range found {
			got = append(got, fmt.Sprintf("%s %s %s", r.Kind, r.ID, r.RunID))
		}
		if strings.Join(got, ", ") != tc.want {
			t.Errorf("%s: found %q\nwant %q", tc.name, strings.Join(got, ", "), tc.want)
		}
	}
}

func TestFindSaysWhichListFailed(t *testing.T) {
	fs := th.SetupHTTP()
	defer fs.Teardown()
	monascaList(fs, "/alarm-definitions", nil)
	fs.Mux.HandleFunc("/notification-methods", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"title":"Forbidden"}`, http.StatusForbidden)
	})
	_, err := marker.Find(context.Background(), client.ServiceClient(fs), marker.Filter{})
	if err == nil || !strings.Contains(err.Error(), "listing notification methods") {
		t.Fatalf("err = %v, want one naming the notification methods list", err)
	}
}
