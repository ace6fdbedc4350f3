package api

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/monhook/monhook/internal/lab/store"
)

// historyMillis is a transition's time as the metrics database keeps it:
// monasca-persister writes alarm state history in milliseconds, so ids,
// timestamps, ranges and offsets all compare at that precision.
func historyMillis(h store.HistoryEntry) time.Time {
	return h.Timestamp.UTC().Truncate(time.Millisecond)
}

// historyRange reads start_time and end_time of GET /alarms/state-history:
// both optional and both inclusive (the influxdb repository's time >= start
// and time <= end). The handler does not call validate_start_end_timestamps,
// so a start after the end is an empty page, not a 400.
func (q *request) historyRange() (start, end time.Time, err error) {
	p := q.falconParams()
	if start, err = p.startTime(false); err != nil {
		return start, end, err
	}
	end, err = p.endTime()
	return start, end, err
}

// inHistoryRange applies historyRange's bounds; a zero bound is open.
func inHistoryRange(h store.HistoryEntry, start, end time.Time) bool {
	t := historyMillis(h)
	return (start.IsZero() || !t.Before(start)) && (end.IsZero() || !t.After(end))
}

// historyOffset is the influxdb repository's _build_offset_clause: an offset
// of digits is milliseconds since the epoch (the element id), anything else
// a timestamp (the element's timestamp); rows strictly after it follow. ""
// is no offset. Upstream hands an unreadable offset to InfluxDB and answers
// 500; the lab answers 422 naming the offset rather than restart paging.
func historyOffset(s string) (after time.Time, set bool, err error) {
	if s == "" {
		return time.Time{}, false, nil
	}
	if strings.Trim(s, "0123456789") == "" {
		ms, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, false, unprocessable(fmt.Sprintf("Offset value %s is out of range", s))
		}
		return time.UnixMilli(ms).UTC(), true, nil
	}
	if t, err := parseISOTime(s); err == nil {
		return t, true, nil
	}
	// InfluxDB also reads its own "2006-01-02 15:04:05.999" form.
	if t, err := time.Parse("2006-01-02 15:04:05.999999999", s); err == nil {
		return t.UTC(), true, nil
	}
	return time.Time{}, false, unprocessable(fmt.Sprintf(
		"Offset value %s must be a millisecond timestamp or an ISO 8601 time", s))
}
