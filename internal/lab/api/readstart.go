package api

// startRead is how every paged read of the metrics database begins, in the
// order its handlers check: the caller's read role, the endpoint's own
// parameters (read, which keeps what it parsed), then limit. When ok is
// false the request has already been answered.
func (q *request) startRead(read func(p falconParams) error) (p falconParams, limit int, ok bool) {
	if !q.canRead() {
		return p, 0, false
	}
	p = q.falconParams()
	err := read(p)
	if err == nil {
		limit, err = q.limit()
	}
	if err != nil {
		q.fail(err)
		return p, 0, false
	}
	return p, limit, true
}
