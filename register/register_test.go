package register_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/internal/lab"
	"github.com/monhook/monhook/internal/labtest"
	"github.com/monhook/monhook/marker"
	"github.com/monhook/monhook/openstack"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarmdefinitions"
	"github.com/monhook/monhook/openstack/monitoring/v2/features"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
	"github.com/monhook/monhook/register"
)

func labClient(t *testing.T) *gophercloud.ServiceClient {
	t.Helper()
	l := labtest.Start(t, lab.Options{Hosts: -1})
	s, err := labtest.Connect(context.Background(), l, l.Credentials())
	if err != nil {
		t.Fatal(err)
	}
	return s.Monitoring
}

func methods(t *testing.T, c *gophercloud.ServiceClient) []notificationmethods.NotificationMethod {
	t.Helper()
	pages, err := notificationmethods.List(c, notificationmethods.ListOpts{}).AllPages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ms, err := notificationmethods.ExtractNotificationMethods(pages)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// seedDefinition creates an operator's definition that already notifies
// their own method.
func seedDefinition(t *testing.T, c *gophercloud.ServiceClient) (def *alarmdefinitions.AlarmDefinition, theirs string) {
	t.Helper()
	ctx := context.Background()
	m, err := notificationmethods.Create(ctx, c, notificationmethods.CreateOpts{Name: "ops pager", Type: "WEBHOOK", Address: "http://pager.example/hook"}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	d, err := alarmdefinitions.Create(ctx, c, alarmdefinitions.CreateOpts{
		Name: "cpu high", Expression: "avg(cpu.idle_perc) < 10", AlarmActions: []string{m.ID},
	}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	return d, m.ID
}

func TestRegisterAttachesAMarkedMethodAndUndoRestores(t *testing.T) {
	c := labClient(t)
	ctx := context.Background()
	def, theirs := seedDefinition(t, c)

	r, err := register.Register(ctx, c, register.Options{Address: "http://10.0.0.5:8080/openstack/alerts", Definition: "cpu high", On: []string{register.OnAlarm, register.OnOK}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := marker.ParseMethodMarker(r.MethodName); !ok {
		t.Errorf("method name %q carries no marker: cleanup would not sweep it", r.MethodName)
	}
	m, err := notificationmethods.Get(ctx, c, r.MethodID).Extract()
	if err != nil || m.Type != "WEBHOOK" || m.Address != "http://10.0.0.5:8080/openstack/alerts" || m.Name != r.MethodName {
		t.Fatalf("method %+v, %v", m, err)
	}
	got, _ := alarmdefinitions.Get(ctx, c, def.ID).Extract()
	if !slices.Equal(got.AlarmActions, []string{theirs, r.MethodID}) || !slices.Equal(got.OKActions, []string{r.MethodID}) || len(got.UndeterminedActions) != 0 {
		t.Fatalf("actions alarm %v ok %v undetermined %v", got.AlarmActions, got.OKActions, got.UndeterminedActions)
	}

	// Meanwhile the operator adds an undetermined action: Undo must keep it.
	more := []string{theirs}
	if err := alarmdefinitions.Patch(ctx, c, def.ID, alarmdefinitions.PatchOpts{UndeterminedActions: &more}).Err; err != nil {
		t.Fatal(err)
	}
	// Detach alone (Monasca would also drop the action with the method).
	if err := r.Detach(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ = alarmdefinitions.Get(ctx, c, def.ID).Extract()
	if !slices.Equal(got.AlarmActions, []string{theirs}) || len(got.OKActions) != 0 || !slices.Equal(got.UndeterminedActions, []string{theirs}) {
		t.Errorf("after Detach: alarm %v ok %v undetermined %v; want the operator's actions only", got.AlarmActions, got.OKActions, got.UndeterminedActions)
	}
	if err := r.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := notificationmethods.Get(ctx, c, r.MethodID).Extract(); !gophercloud.ResponseCodeIs(err, 404) {
		t.Errorf("method still there after Undo: %v", err)
	}
	if err := r.Undo(ctx); err != nil {
		t.Errorf("a second Undo = %v; what is gone counts as removed", err)
	}
}

func TestRegisterWithoutDefinitionCreatesOnlyTheMethod(t *testing.T) {
	c := labClient(t)
	r, err := register.Register(context.Background(), c, register.Options{Address: "http://h:1/x", Period: 60, RunID: "abcdefgh", Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if r.MethodName != "monhook-abcdefgh-webhook-20260102T030405Z" || r.DefinitionID != "" {
		t.Errorf("registration %+v", r)
	}
	m, _ := notificationmethods.Get(context.Background(), c, r.MethodID).Extract()
	if m == nil || m.Period != 60 {
		t.Errorf("method %+v, want period 60", m)
	}
	if err := r.Undo(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(methods(t, c)); n != 0 {
		t.Errorf("%d methods left", n)
	}
}

func TestRegisterUnknownDefinitionCreatesNothing(t *testing.T) {
	c := labClient(t)
	_, err := register.Register(context.Background(), c, register.Options{Address: "http://h:1/x", Definition: "no such"})
	if !errors.Is(err, register.ErrNoDefinition) {
		t.Fatalf("err = %v, want ErrNoDefinition", err)
	}
	if n := len(methods(t, c)); n != 0 {
		t.Errorf("%d methods created for a definition that does not exist", n)
	}
	if _, err := register.Register(context.Background(), c, register.Options{Address: "http://h:1/x", On: []string{"firing"}}); err == nil {
		t.Error("an unknown state was accepted")
	}
}

// preNewtonClient fronts the lab with a pre-Newton API: no types endpoint,
// 400 for a period key (notifications.py@mitaka-eol). It counts the creates that carried a body.
func preNewtonClient(t *testing.T) (*gophercloud.ServiceClient, *atomic.Int32) {
	t.Helper()
	c := labClient(t)
	var creates atomic.Int32
	api := labtest.Proxy(t, c.ResourceBaseURL(), func(proxy http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/notification-methods/types") {
				w.WriteHeader(http.StatusNotFound)
				fmt.Fprint(w, `{"title":"Not Found","description":""}`)
				return
			}
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/notification-methods") {
				creates.Add(1)
				b, _ := io.ReadAll(r.Body)
				if strings.Contains(string(b), `"period"`) {
					w.WriteHeader(http.StatusBadRequest)
					fmt.Fprint(w, `{"title":"Bad Request","description":"extra keys not allowed @ data['period']"}`)
					return
				}
				r.Body = io.NopCloser(strings.NewReader(string(b)))
			}
			proxy.ServeHTTP(w, r)
		})
	})
	return openstack.NewMonitoringV2FromURL(c.ProviderClient, api), &creates
}

// Against a pre-Newton API, period 0 is registered without the key and
// period 60 is refused before anything is created.
func TestRegisterAdaptsToAPreNewtonAPI(t *testing.T) {
	c, creates := preNewtonClient(t)
	_, err := register.Register(context.Background(), c, register.Options{Address: "http://h:1/x", Period: 60})
	var missing *features.MissingError
	if !errors.As(err, &missing) || missing.Feature != features.Period || creates.Load() != 0 {
		t.Fatalf("err = %v after %d creates, want a MissingError for period and none", err, creates.Load())
	}
	r, err := register.Register(context.Background(), c, register.Options{Address: "http://h:1/x"})
	if err != nil {
		t.Fatal(err)
	}
	if creates.Load() != 1 || r.API.Has[features.Period] {
		t.Errorf("%d creates, api %+v; want one create, no period", creates.Load(), r.API)
	}
	if err := r.Undo(context.Background()); err != nil {
		t.Fatal(err)
	}
}
