package api

// startRead is how the paged reads that check limit last begin (the
// metrics database's lists and GET /alarms/count), in the order their
// handlers check: the caller's read role, the endpoint's own parameters
// (read, which keeps what it parsed), then limit. When ok is false the
// request has already been answered.
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
