package marker_test

import (
	"context"
	"net/http"
	"testing"

	th "github.com/gophercloud/gophercloud/v2/testhelper"
	"github.com/gophercloud/gophercloud/v2/testhelper/client"

	"github.com/monhook/monhook/marker"
)

// Teardown and cleanup share one policy: a resource already gone (404)
// counts as deleted; any other refusal is reported.
func TestDeleteCountsNotFoundAsDeleted(t *testing.T) {
	fs := th.SetupHTTP()
	defer fs.Teardown()
	var got []string
	answer := map[string]int{
		"/alarm-definitions/gone":     http.StatusNotFound,
		"/alarm-definitions/def":      http.StatusNoContent,
		"/notification-methods/nm":    http.StatusNoContent,
		"/notification-methods/stuck": http.StatusInternalServerError,
	}
	fs.Mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method+" "+r.URL.Path)
		w.WriteHeader(answer[r.URL.Path])
	})
	c := client.ServiceClient(fs)
	ctx := context.Background()
	for _, tc := range []struct {
		kind, id string
		wantErr  bool
	}{
		{marker.KindAlarmDefinition, "def", false},
		{marker.KindAlarmDefinition, "gone", false},
		{marker.KindNotificationMethod, "nm", false},
		{marker.KindNotificationMethod, "stuck", true},
	} {
		err := marker.Delete(ctx, c, tc.kind, tc.id)
		if (err != nil) != tc.wantErr {
			t.Errorf("Delete(%s %s) = %v, want error %v", tc.kind, tc.id, err, tc.wantErr)
		}
	}
	want := []string{"DELETE /alarm-definitions/def", "DELETE /alarm-definitions/gone",
		"DELETE /notification-methods/nm", "DELETE /notification-methods/stuck"}
	if len(got) != len(want) {
		t.Fatalf("requests %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("request %d = %q, want %q", i, got[i], want[i])
		}
	}
	if err := marker.Delete(ctx, c, "alarm", "x"); err == nil {
		t.Error("Delete of an unknown kind succeeded")
	}
}
