package api

import (
	"fmt"

	"github.com/monhook/monhook/internal/lab/model"
	"github.com/monhook/monhook/pyjson"
)

// alarmUpdateSchema is alarm_update_schema: optional state (exactly OK,
// ALARM or UNDETERMINED, no case folding), lifecycle_state (str, at most
// 50) and link (str, at most 512); extra keys allowed.
var alarmUpdateSchema = []field{
	{"state", false, func(v any) *vInvalid {
		s, _ := v.(string)
		if s != model.StateOK && s != model.StateAlarm && s != model.StateUndetermined {
			return &vInvalid{msg: "not a valid value"}
		}
		return nil
	}},
	{"lifecycle_state", false, strOf(50)},
	{"link", false, strOf(512)},
}

// parseAlarmUpdate is the body handling of alarms.py on_put and on_patch:
// the schema, then PUT's "Field '...' is required" for a missing or empty
// value, or PATCH's fallback to the stored alarm (state when falsy, the
// others only when absent). Upstream does not catch the schema's error, so
// it answers 500; the lab answers 422 with the schema's text (see the lab
// package doc).
func parseAlarmUpdate(body any, patch bool, stored model.Alarm) (state string, lifecycle, link *string, err error) {
	if e := validateDict(body, alarmUpdateSchema, true); e != nil {
		return "", nil, nil, unprocessable(e.Error())
	}
	obj := body.(pyjson.Object)
	str := func(k string) (string, bool) {
		v, ok := obj.Get(k)
		s, _ := v.(string)
		return s, ok
	}
	state, _ = str("state")
	if !patch {
		for _, k := range []string{"state", "lifecycle_state", "link"} {
			if s, _ := str(k); s == "" {
				return "", nil, nil, unprocessable(fmt.Sprintf("Field '%s' is required", k))
			}
		}
	}
	if state == "" {
		state = stored.State
	}
	lifecycle, link = stored.LifecycleState, stored.Link
	if s, ok := str("lifecycle_state"); ok {
		lifecycle = &s
	}
	if s, ok := str("link"); ok {
		link = &s
	}
	return state, lifecycle, link, nil
}
