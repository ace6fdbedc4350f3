package check

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/check/report"
	monitoring "github.com/monhook/monhook/openstack/monitoring/v2"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarms"
)

// VerifyAlarm checks a delivery's alarm id with GET /v2.0/alarms/{id},
// which answers only for alarms of the caller's project: the alarm must
// exist there and belong to definitionID. It returns the alarm's state
// when it does, else the unknown-alarm finding saying why not. err is the
// API's own failure (the caller's exit 3). check and `listen --attach
// --expect` verify deliveries with it.
func VerifyAlarm(ctx context.Context, c *gophercloud.ServiceClient, id, definitionID string) (state string, findings []report.Finding, err error) {
	if id == "" {
		return "", []report.Finding{{Code: "unknown-alarm", Key: "alarm_id", Detail: "alarm_id is empty"}}, nil
	}
	a, err := alarms.Get(ctx, c, id).Extract()
	switch {
	case monitoring.StatusCode(err) == http.StatusNotFound:
		return "", []report.Finding{{Code: "unknown-alarm", Key: "alarm_id",
			Detail: fmt.Sprintf("alarm_id %q: GET /v2.0/alarms/%s answered 404, no such alarm in the caller's project", id, id)}}, nil
	case err != nil:
		return "", nil, err
	case a.AlarmDefinition.ID != definitionID:
		return "", []report.Finding{{Code: "unknown-alarm", Key: "alarm_id",
			Detail: fmt.Sprintf("alarm %q belongs to definition %q, not to %q", id, a.AlarmDefinition.ID, definitionID)}}, nil
	}
	return a.State, nil, nil
}
