package marker

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/openstack/monitoring/v2/alarmdefinitions"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
)

// The kinds of resource monhook creates, as reports and cleanup name them.
const (
	KindAlarmDefinition    = "alarm-definition"
	KindNotificationMethod = "notification-method"
)

// Delete removes one resource monhook created. A 404 counts as deleted: an
// earlier try, a parallel cleanup or a person got there first, and the
// resource is gone either way.
func Delete(ctx context.Context, c *gophercloud.ServiceClient, kind, id string) error {
	var err error
	switch kind {
	case KindAlarmDefinition:
		err = alarmdefinitions.Delete(ctx, c, id).ExtractErr()
	case KindNotificationMethod:
		err = notificationmethods.Delete(ctx, c, id).ExtractErr()
	default:
		return fmt.Errorf("unknown resource kind %q", kind)
	}
	if err != nil && !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		return err
	}
	return nil
}
