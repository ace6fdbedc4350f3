package notifier

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/monhook/monhook/internal/clock/clocktest"
	"github.com/monhook/monhook/internal/lab/model"
)

var start = time.Date(2026, 3, 1, 12, 0, 10, 0, time.UTC)

type capture struct {
	at          time.Time // fake clock at arrival
	contentType string
	method      string
	body        []byte
}

// receiver is a capture server answering status(n) to the n-th request
// (from 1); when hold is set, handlers block until it is closed.
type receiver struct {
	srv    *httptest.Server
	reqs   chan capture
	status func(n int) int
	mu     sync.Mutex
	n      int
	hold   chan struct{}
}

func newReceiver(t *testing.T, c *clocktest.Fake, status func(n int) int) *receiver {
	r := &receiver{reqs: make(chan capture, 100), status: status}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.n++
		n, hold := r.n, r.hold
		r.mu.Unlock()
		r.reqs <- capture{at: c.Now(), contentType: req.Header.Get("Content-Type"), method: req.Method, body: body}
		if hold != nil {
			<-hold
		}
		w.WriteHeader(r.status(n))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// next waits for the next request the receiver got.
func (r *receiver) next(t *testing.T) capture {
	t.Helper()
	select {
	case c := <-r.reqs:
		return c
	case <-time.After(waitLimit):
		t.Fatalf("no request within %v", waitLimit)
		return capture{}
	}
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

type traced struct {
	event string
	j     job
}

type rig struct {
	t      *testing.T
	clock  *clocktest.Fake
	store  *memStore
	bus    *chanBus
	eng    *Engine
	events chan traced
}

func newRig(t *testing.T, speed float64) *rig { return newRigWorkers(t, speed, 2) }

func newRigWorkers(t *testing.T, speed float64, workers int) *rig {
	return newRigWith(t, Options{Speed: speed, Workers: workers})
}

// newRigWith runs an engine with o on the rig's fake clock, store and bus.
func newRigWith(t *testing.T, o Options) *rig {
	c := clocktest.New(start)
	r := &rig{t: t, clock: c, store: newMemStore(), bus: newChanBus(), events: make(chan traced, 100)}
	o.Store, o.Bus, o.Clock = r.store, r.bus, c
	r.eng = New(o)
	r.eng.trace = func(ev string, j job) { r.events <- traced{ev, j} }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = r.eng.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-r.bus.ready: // events published from now on reach the engine
	case <-time.After(waitLimit):
		t.Fatalf("the engine did not subscribe within %v", waitLimit)
	}
	return r
}

// setup stores definition d1 whose ALARM actions are the given methods,
// each a WEBHOOK to its address with the given period, and alarm a1 in ALARM.
func (r *rig) setup(period int, addresses ...string) {
	var ids []string
	for i, a := range addresses {
		id := "m" + string(rune('1'+i))
		r.store.setMethod(model.NotificationMethod{ID: id, Type: "WEBHOOK", Address: a, Period: period})
		ids = append(ids, id)
	}
	r.store.defs["d1"] = model.AlarmDefinition{ID: "d1", TenantID: "p1", Name: "cpu high", AlarmActions: ids, ActionsEnabled: true}
	r.store.setAlarmState("a1", model.StateAlarm)
}

func transition() model.Transition {
	return model.Transition{
		AlarmID: "a1", DefinitionID: "d1", TenantID: "p1", AlarmName: "cpu high", AlarmDescription: "",
		OldState: model.StateUndetermined, NewState: model.StateAlarm, ActionsEnabled: true,
		Reason:    "Thresholds were exceeded for the sub-alarms: max(x) > 14.0 with the values: [20.0]",
		Timestamp: time.UnixMilli(1429023453632),
		Metrics:   []model.MetricDef{{Name: "cpu.idle_perc", Dimensions: map[string]string{"hostname": "h1"}}},
	}
}

func (r *rig) publish(t model.Transition) {
	r.bus.Publish(model.AlarmTransitioned{Transition: t})
}

// waitLimit bounds every wait for something the engine must do: a broken
// engine fails the test instead of hanging it.
const waitLimit = 10 * time.Second

// want waits for the next traced event and checks its name.
func (r *rig) want(event string) job {
	r.t.Helper()
	var ev traced
	select {
	case ev = <-r.events:
	case <-time.After(waitLimit):
		r.t.Fatalf("no event within %v, want %q", waitLimit, event)
	}
	if ev.event != event {
		r.t.Fatalf("event %q (%+v), want %q", ev.event, ev.j, event)
	}
	return ev.j
}

func TestWebhookPayload(t *testing.T) {
	r := newRig(t, 1)
	rcv := newReceiver(t, r.clock, func(int) int { return 200 })
	r.setup(0, rcv.srv.URL)
	r.publish(transition())
	r.want("transition")
	r.want("sent")
	got := rcv.next(t)
	if got.method != http.MethodPost || got.contentType != "application/json" {
		t.Errorf("%s with content-type %q, want POST application/json", got.method, got.contentType)
	}
	var body map[string]any
	if err := json.Unmarshal(got.body, &body); err != nil {
		t.Fatalf("body %s: %v", got.body, err)
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range body {
			if !yield(k) {
				return
			}
		}
	})
	want := []string{"alarm_definition_id", "alarm_description", "alarm_id", "alarm_name", "alarm_timestamp",
		"message", "metrics", "old_state", "state", "tenant_id"}
	if !slices.Equal(keys, want) {
		t.Fatalf("keys %v, want %v", keys, want)
	}
	if ts, ok := body["alarm_timestamp"].(float64); !ok || ts != 1429023453 {
		t.Errorf("alarm_timestamp %v, want integer 1429023453", body["alarm_timestamp"])
	}
	for k, v := range map[string]string{"alarm_id": "a1", "alarm_definition_id": "d1", "alarm_name": "cpu high",
		"alarm_description": "", "state": "ALARM", "old_state": "UNDETERMINED", "tenant_id": "p1",
		"message": transition().Reason} {
		if body[k] != v {
			t.Errorf("%s = %#v, want %q", k, body[k], v)
		}
	}
	metrics, ok := body["metrics"].([]any)
	if !ok || len(metrics) != 1 {
		t.Fatalf("metrics %#v", body["metrics"])
	}
	m := metrics[0].(map[string]any)
	if id, has := m["id"]; !has || id != nil || m["name"] != "cpu.idle_perc" ||
		m["dimensions"].(map[string]any)["hostname"] != "h1" || len(m) != 3 {
		t.Errorf("metric %#v, want id null, name and dimensions", m)
	}
	if s := r.eng.Stats(); s != (Stats{Sent: 1}) {
		t.Errorf("stats %+v", s)
	}
}

func TestAPIStateChangeMetricsHaveNoID(t *testing.T) {
	tr := transition()
	tr.Reason = "Alarm state updated via API"
	b, err := Body(tr)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Message string           `json:"message"`
		Metrics []map[string]any `json:"metrics"`
	}
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatal(err)
	}
	if _, has := body.Metrics[0]["id"]; has || body.Message != "Alarm state updated via API" {
		t.Errorf("body %s", b)
	}
}

func TestFailureRetriedFiveTimesThirtySecondsApart(t *testing.T) {
	r := newRig(t, 1)
	rcv := newReceiver(t, r.clock, func(int) int { return 500 })
	r.setup(0, rcv.srv.URL)
	r.publish(transition())
	r.want("transition")
	var times []time.Time
	for attempt := 0; attempt <= MaxAttempts; attempt++ {
		if j := r.want("failed"); j.attempt != attempt {
			t.Fatalf("attempt %d, want %d", j.attempt, attempt)
		}
		times = append(times, rcv.next(t).at)
		if attempt < MaxAttempts {
			r.clock.BlockUntilWaiters(1)
			// monasca-notification's [retry_engine] interval, 30 s: the
			// retry timer is still pending a millisecond before it.
			r.clock.Advance(30*time.Second - time.Millisecond)
			if n := r.clock.Waiters(); n != 1 {
				t.Fatalf("retry %d: %d timers pending after 29.999s, want the retry's", attempt+1, n)
			}
			r.clock.Advance(time.Millisecond)
		}
	}
	for i := 1; i < len(times); i++ {
		// A literal, not RetryInterval: the constant changed must fail here.
		if d := times[i].Sub(times[i-1]); d != 30*time.Second {
			t.Errorf("retry %d came %v after the previous attempt, want 30s", i, d)
		}
	}
	if n := r.clock.Waiters(); n != 0 {
		t.Errorf("%d timers pending after the last retry, want none", n)
	}
	if s := r.eng.Stats(); s != (Stats{Failed: 6, Retried: 5}) {
		t.Errorf("stats %+v, want 6 failed, 5 retried", s)
	}
}

func TestRetrySucceedsAndAnyTwoXXIsSuccess(t *testing.T) {
	r := newRig(t, 1)
	rcv := newReceiver(t, r.clock, func(n int) int {
		if n == 1 {
			return 503
		}
		return 204
	})
	r.setup(0, rcv.srv.URL)
	r.publish(transition())
	r.want("transition")
	r.want("failed")
	r.clock.BlockUntilWaiters(1)
	r.clock.Advance(RetryInterval)
	r.want("sent")
	first, second := rcv.next(t), rcv.next(t)
	if string(first.body) != string(second.body) {
		t.Errorf("retry body differs:\n%s\n%s", first.body, second.body)
	}
	if r.clock.Waiters() != 0 {
		t.Error("a timer is still pending after the successful retry")
	}
}

func TestDeletedMethodStopsRetriesAndChangedAddressIsUsed(t *testing.T) {
	r := newRig(t, 1)
	bad := newReceiver(t, r.clock, func(int) int { return 500 })
	good := newReceiver(t, r.clock, func(int) int { return 200 })
	r.setup(0, bad.srv.URL)
	r.publish(transition())
	r.want("transition")
	r.want("failed")
	r.store.setMethod(model.NotificationMethod{ID: "m1", Type: "WEBHOOK", Address: good.srv.URL})
	r.clock.BlockUntilWaiters(1)
	r.clock.Advance(RetryInterval)
	r.want("sent")
	if bad.count() != 1 || good.count() != 1 {
		t.Errorf("requests: old address %d, new address %d; want 1 and 1", bad.count(), good.count())
	}

	r2 := newRig(t, 1)
	rcv := newReceiver(t, r2.clock, func(int) int { return 500 })
	r2.setup(0, rcv.srv.URL)
	r2.publish(transition())
	r2.want("transition")
	r2.want("failed")
	r2.store.deleteMethod("m1")
	r2.clock.BlockUntilWaiters(1)
	r2.clock.Advance(RetryInterval)
	r2.want("method-gone")
	if rcv.count() != 1 || r2.clock.Waiters() != 0 {
		t.Errorf("%d requests and %d timers after the method was deleted, want 1 and 0", rcv.count(), r2.clock.Waiters())
	}
}

// A receiver that answers just inside 5 s is a success at any speed: the
// timeout is monasca-notification's real 5 s, not an engine interval.
func TestSlowReceiverWithinFiveSecondsGetsOnePOSTAtSpeed10(t *testing.T) {
	r := newRig(t, 10)
	rcv := newReceiver(t, r.clock, func(int) int { return 200 })
	hold := make(chan struct{})
	rcv.hold = hold
	answer := sync.OnceFunc(func() { close(hold) })
	defer answer() // before the rig's cleanup, which waits for the handler
	r.setup(0, rcv.srv.URL)
	r.publish(transition())
	r.want("transition")
	rcv.next(t) // the request is in the receiver, which does not answer yet
	r.clock.BlockUntilWaiters(1)
	// 5 s is [webhook_notifier] timeout, written as a literal so that a
	// changed Timeout fails here: it is not scaled by the speed.
	r.clock.Advance(5*time.Second - time.Millisecond)
	// A scaled timeout (0.5 s) has fired inside Advance: its timer is gone,
	// or the failure it caused has already been traced before "sent".
	if n := r.clock.Waiters(); n != 1 {
		t.Fatalf("%d timers pending after 4.999s, want the timeout's", n)
	}
	answer()
	r.want("sent")
	if n := rcv.count(); n != 1 {
		t.Errorf("%d POSTs, want 1", n)
	}
}

func TestTimeoutIsFailureAndRetryIntervalScales(t *testing.T) {
	r := newRig(t, 10)
	rcv := newReceiver(t, r.clock, func(int) int { return 200 })
	hold := make(chan struct{})
	rcv.hold = hold
	defer close(hold)
	r.setup(0, rcv.srv.URL)
	r.publish(transition())
	r.want("transition")
	rcv.next(t) // the request is in the receiver, which does not answer
	r.clock.BlockUntilWaiters(1)
	r.clock.Advance(5 * time.Second) // the unscaled webhook timeout
	r.want("failed")
	// The retry interval is an engine timing: 30 s / 10 later.
	r.clock.BlockUntilWaiters(1)
	r.clock.Advance(3*time.Second - time.Millisecond)
	if n := r.clock.Waiters(); n != 1 {
		t.Fatalf("%d timers pending 2.999s after the failure, want the retry's (30 s / 10)", n)
	}
	r.clock.Advance(time.Millisecond)
	if c := rcv.next(t); !c.at.Equal(start.Add(8 * time.Second)) {
		t.Errorf("retry at %v, want %v (5 s timeout, then 30 s / 10)", c.at, start.Add(8*time.Second))
	}
}

func TestPeriodicResendWhileStateHolds(t *testing.T) {
	r := newRig(t, 1)
	rcv := newReceiver(t, r.clock, func(int) int { return 200 })
	r.setup(60, rcv.srv.URL)
	r.publish(transition())
	r.want("transition")
	r.want("sent")
	first := rcv.next(t)
	for range 2 {
		r.clock.BlockUntilWaiters(1)
		r.clock.Advance(time.Minute)
		if j := r.want("sent"); j.kind != periodicSend {
			t.Fatalf("kind %v, want periodic", j.kind)
		}
		again := rcv.next(t)
		if string(again.body) != string(first.body) || again.at.Sub(first.at)%time.Minute != 0 {
			t.Errorf("periodic re-send %s at %v, want the same body a minute later", again.body, again.at)
		}
	}
	r.store.setAlarmState("a1", model.StateOK)
	r.clock.BlockUntilWaiters(1)
	r.clock.Advance(time.Minute)
	r.want("periodic-stopped")
	if s := r.eng.Stats(); s != (Stats{Sent: 3, Periodic: 2}) || r.clock.Waiters() != 0 {
		t.Errorf("stats %+v, %d timers; want 3 sent, 2 periodic, none pending", s, r.clock.Waiters())
	}
}

// TestPeriodicFailuresAreNotRetried: a failed periodic send schedules the
// next periodic send and no retry. One worker makes it deterministic: a
// second alarm's send, queued after the failure, runs only once the worker
// has finished with the failed send (retry decision included), so the
// pending timers can then be counted exactly.
func TestPeriodicFailuresAreNotRetried(t *testing.T) {
	r := newRigWorkers(t, 1, 1)
	rcv := newReceiver(t, r.clock, func(n int) int {
		if n == 1 {
			return 200
		}
		return 500
	})
	r.setup(60, rcv.srv.URL)
	r.publish(transition())
	r.want("transition")
	r.want("sent")
	r.clock.BlockUntilWaiters(1)
	r.clock.Advance(time.Minute)
	if j := r.want("failed"); j.kind != periodicSend {
		t.Fatalf("kind %v, want the periodic send", j.kind)
	}

	// The barrier: alarm a2 of definition d2, a non-periodic method that answers 200.
	other := newReceiver(t, r.clock, func(int) int { return 200 })
	r.store.setMethod(model.NotificationMethod{ID: "m9", Type: "WEBHOOK", Address: other.srv.URL})
	r.store.defs["d2"] = model.AlarmDefinition{ID: "d2", TenantID: "p1", Name: "other", AlarmActions: []string{"m9"}, ActionsEnabled: true}
	tr := transition()
	tr.AlarmID, tr.DefinitionID = "a2", "d2"
	r.publish(tr)
	r.want("transition")
	if j := r.want("sent"); j.alarmID != "a2" {
		t.Fatalf("sent %+v, want alarm a2's", j)
	}
	if n := r.clock.Waiters(); n != 1 {
		t.Fatalf("%d timers pending after a failed periodic send, want 1 (the next periodic send, no retry)", n)
	}
	if s := r.eng.Stats(); s.Retried != 0 || s.Periodic != 1 {
		t.Errorf("stats %+v, want 1 periodic and no retry", s)
	}
	// And the one pending timer is the periodic send, a minute later.
	r.clock.Advance(time.Minute)
	if j := r.want("failed"); j.kind != periodicSend {
		t.Fatalf("kind %v, want the next periodic send", j.kind)
	}
}

func TestNothingSentWhenActionsDisabledOrNotWebhook(t *testing.T) {
	r := newRig(t, 1)
	rcv := newReceiver(t, r.clock, func(int) int { return 200 })
	r.setup(0, rcv.srv.URL)
	tr := transition()
	tr.ActionsEnabled = false
	r.publish(tr)
	r.want("transition")

	r.store.setMethod(model.NotificationMethod{ID: "m1", Type: "EMAIL", Address: "ops@example.com"})
	r.publish(transition())
	r.want("transition")

	// OK has no actions in the definition.
	tr = transition()
	tr.NewState, tr.OldState = model.StateOK, model.StateAlarm
	r.publish(tr)
	r.want("transition")
	if rcv.count() != 0 || r.eng.Stats() != (Stats{}) || r.clock.Waiters() != 0 {
		t.Errorf("%d requests, stats %+v; want nothing sent", rcv.count(), r.eng.Stats())
	}
}

func TestEveryActionOfTheNewStateIsNotified(t *testing.T) {
	r := newRig(t, 1)
	a := newReceiver(t, r.clock, func(int) int { return 200 })
	b := newReceiver(t, r.clock, func(int) int { return 200 })
	r.setup(0, a.srv.URL, b.srv.URL)
	r.publish(transition())
	r.want("transition")
	r.want("sent")
	r.want("sent")
	if a.count() != 1 || b.count() != 1 {
		t.Errorf("requests %d and %d, want one each", a.count(), b.count())
	}
}
