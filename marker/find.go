package marker

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/openstack/monitoring/v2/alarmdefinitions"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
)

// Resource is one resource in Monasca carrying monhook's marker.
type Resource struct {
	Kind string // KindAlarmDefinition or KindNotificationMethod
	ID   string
	Name string
	Marker
}

// Filter narrows Find. The zero Filter keeps every marked resource.
type Filter struct {
	// RunID keeps only this run's resources.
	RunID string
	// RunIDPrefix keeps only runs whose id starts with it: a serve
	// instance's id prefixes all its run ids.
	RunIDPrefix string
	// OlderThan keeps only resources created at least this long before Now:
	// a run still going is younger than any sensible value.
	OlderThan time.Duration
	Now       time.Time
}

func (f Filter) keep(m Marker) bool {
	return (f.RunID == "" || m.RunID == f.RunID) &&
		strings.HasPrefix(m.RunID, f.RunIDPrefix) &&
		(f.OlderThan == 0 || f.Now.Sub(m.Created) >= f.OlderThan)
}

// Find lists the alarm definitions (ParseMarker) and WEBHOOK notification
// methods (ParseMethodMarker) carrying monhook's marker that pass f, the
// definitions first: that is the order to Delete them in, as deleting a
// method silently strips it from definitions, and a definition's alarms go
// with it. Anything without the exact marker is never listed.
func Find(ctx context.Context, c *gophercloud.ServiceClient, f Filter) ([]Resource, error) {
	var out []Resource
	defPages, err := alarmdefinitions.List(c, alarmdefinitions.ListOpts{}).AllPages(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing alarm definitions: %w", err)
	}
	defs, err := alarmdefinitions.ExtractAlarmDefinitions(defPages)
	if err != nil {
		return nil, fmt.Errorf("listing alarm definitions: %w", err)
	}
	for _, d := range defs {
		if m, ok := ParseMarker(d.Name, d.Description); ok && f.keep(m) {
			out = append(out, Resource{Kind: KindAlarmDefinition, ID: d.ID, Name: d.Name, Marker: m})
		}
	}
	nmPages, err := notificationmethods.List(c, notificationmethods.ListOpts{}).AllPages(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing notification methods: %w", err)
	}
	methods, err := notificationmethods.ExtractNotificationMethods(nmPages)
	if err != nil {
		return nil, fmt.Errorf("listing notification methods: %w", err)
	}
	for _, nm := range methods {
		if m, ok := ParseMethodMarker(nm.Name); ok && nm.Type == "WEBHOOK" && f.keep(m) {
			out = append(out, Resource{Kind: KindNotificationMethod, ID: nm.ID, Name: nm.Name, Marker: m})
		}
	}
	return out, nil
}
