package evaluator

import (
	"time"

	"github.com/monhook/monhook/internal/clock"
	"github.com/monhook/monhook/internal/lab/model"
)

// The API hands definition changes to monasca-thresh through Kafka's events
// topic, so a definition reaches the threshold engine some time after the
// API answered 201; measurements that arrive before then create no alarm.
// With Options.DefinitionDelay the engine holds definition events that long
// (tempest waits 3 s, ALARM_DEFINITION_CREATION_WAIT). Deletions apply at
// once and drop the held events of their definition, so nothing of a
// deleted definition appears later.

type heldEvent struct {
	due time.Time
	ev  any
}

// eventQueue holds definition events in arrival order; with one fixed
// delay, due times never decrease.
type eventQueue struct {
	clock clock.Clock
	delay time.Duration
	held  []heldEvent
	timer clock.Timer
}

// delays reports whether ev waits in the queue.
func (q *eventQueue) delays(ev any) bool {
	if q.delay <= 0 {
		return false
	}
	switch ev.(type) {
	case model.DefinitionCreated, model.DefinitionUpdated:
		return true
	}
	return false
}

func (q *eventQueue) push(ev any) {
	q.held = append(q.held, heldEvent{due: q.clock.Now().Add(q.delay), ev: ev})
	if q.timer == nil {
		q.timer = q.clock.NewTimer(q.delay)
	}
}

// forget drops the held events of a deleted definition.
func (q *eventQueue) forget(definitionID string) {
	kept := q.held[:0]
	for _, h := range q.held {
		if definitionOf(h.ev) != definitionID {
			kept = append(kept, h)
		}
	}
	clear(q.held[len(kept):])
	q.held = kept
}

func definitionOf(ev any) string {
	switch ev := ev.(type) {
	case model.DefinitionCreated:
		return ev.Definition.ID
	case model.DefinitionUpdated:
		return ev.Definition.ID
	}
	return ""
}

// c is the channel that fires when the oldest held event is due; nil (never
// ready) when nothing is held.
func (q *eventQueue) c() <-chan time.Time {
	if q.timer == nil {
		return nil
	}
	return q.timer.C()
}

// due pops the events that are due and re-arms the timer for the next.
func (q *eventQueue) due() []any {
	now := q.clock.Now()
	var out []any
	for len(q.held) > 0 && !q.held[0].due.After(now) {
		out = append(out, q.held[0].ev)
		q.held = q.held[1:]
	}
	q.timer.Stop()
	q.timer = nil
	if len(q.held) > 0 {
		q.timer = q.clock.NewTimer(q.held[0].due.Sub(now))
	}
	return out
}

func (q *eventQueue) stop() {
	if q.timer != nil {
		q.timer.Stop()
	}
}
