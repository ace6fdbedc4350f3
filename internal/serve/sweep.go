package serve

import (
	"context"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/openstack/monitoring/v2/alarmdefinitions"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
)

// sweepTimeout bounds the start-up sweep of one cloud.
const sweepTimeout = 2 * time.Minute

// sweepAll removes this instance's earlier leftovers (a crash or kill -9
// skipped their teardown) from every cloud a target names, and from the
// OS_* environment's cloud when it resolves. Only resources carrying
// monhook's marker with this instance's id, at least SweepOlderThan old,
// are touched: a probe running now is younger, and other instances' and
// hand-made resources do not match.
func (s *Server) sweepAll() {
	defer close(s.sweepDone)
	if s.cfg.SweepOlderThan == 0 {
		return
	}
	clouds := map[string]bool{}
	for _, t := range s.targets {
		clouds[t.Cloud] = true
	}
	if _, err := s.conns.get(""); err == nil {
		clouds[""] = true
	}
	for cloud := range clouds {
		s.sweepCloud(cloud)
	}
}

func (s *Server) sweepCloud(cloud string) {
	ctx, cancel := context.WithTimeout(s.probeCtx, sweepTimeout)
	defer cancel()
	connect, err := s.conns.get(cloud)
	if err != nil {
		return
	}
	conn, err := connect(ctx)
	if err != nil {
		s.log.Warn("sweep: cannot connect", "cloud", cloudLabel(cloud), "error", err)
		return
	}
	now := s.clk.Now()
	old := func(m runMarker) bool { return s.ids.ours(m.RunID) && now.Sub(m.Created) >= s.cfg.SweepOlderThan }
	c := conn.Client

	// Definitions first: their alarms go with them, and no action then
	// points at a method about to be deleted.
	defs, err := listDefinitions(ctx, c)
	if err != nil {
		s.log.Warn("sweep: listing alarm definitions", "cloud", cloudLabel(cloud), "error", err)
		return
	}
	for _, d := range defs {
		if m, ok := parseDefinitionMarker(d.Name, d.Description); ok && old(m) {
			s.sweepOne(cloud, kindAlarmDefinition, d.ID, d.Name, deleteResource(ctx, c, kindAlarmDefinition, d.ID))
		}
	}
	methods, err := listMethods(ctx, c)
	if err != nil {
		s.log.Warn("sweep: listing notification methods", "cloud", cloudLabel(cloud), "error", err)
		return
	}
	for _, nm := range methods {
		if m, ok := parseMethodMarker(nm.Name); ok && nm.Type == "WEBHOOK" && old(m) {
			s.sweepOne(cloud, kindNotificationMethod, nm.ID, nm.Name, deleteResource(ctx, c, kindNotificationMethod, nm.ID))
		}
	}
}

func (s *Server) sweepOne(cloud, kind, id, name string, err error) {
	if err != nil {
		s.metrics.swept.WithLabelValues("failed").Inc()
		s.log.Warn("sweep: could not delete a leftover", "cloud", cloudLabel(cloud), "kind", kind, "id", id, "name", name, "error", err)
		return
	}
	s.metrics.swept.WithLabelValues("deleted").Inc()
	s.log.Info("sweep: deleted a leftover of this instance", "cloud", cloudLabel(cloud), "kind", kind, "id", id, "name", name)
}

func listDefinitions(ctx context.Context, c *gophercloud.ServiceClient) ([]alarmdefinitions.AlarmDefinition, error) {
	pages, err := alarmdefinitions.List(c, alarmdefinitions.ListOpts{}).AllPages(ctx)
	if err != nil {
		return nil, err
	}
	return alarmdefinitions.ExtractAlarmDefinitions(pages)
}

func listMethods(ctx context.Context, c *gophercloud.ServiceClient) ([]notificationmethods.NotificationMethod, error) {
	pages, err := notificationmethods.List(c, notificationmethods.ListOpts{}).AllPages(ctx)
	if err != nil {
		return nil, err
	}
	return notificationmethods.ExtractNotificationMethods(pages)
}
