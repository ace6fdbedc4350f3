package receiver

import (
	"context"
	"errors"
	"testing"
)

func byState(s string) func(Delivery) bool {
	return func(d Delivery) bool { return d.Notification != nil && d.Notification.State == s }
}

func TestAwaitFindsADeliveryThatAlreadyArrived(t *testing.T) {
	r := newTestReceiver(t, Options{})
	post(r, "/tok", monascaBody, nil)
	d, err := r.Await(context.Background(), byState("ALARM"))
	if err != nil || d.Seq != 1 {
		t.Fatalf("Await = %+v, %v", d, err)
	}
}

func TestAwaitWakesOnALaterDelivery(t *testing.T) {
	r := newTestReceiver(t, Options{})
	post(r, "/tok", monascaBody, nil) // ALARM: does not match
	got := make(chan Delivery)
	registered := make(chan struct{})
	go func() {
		d, err := r.Await(context.Background(), func(d Delivery) bool {
			if d.Seq == 1 {
				close(registered) // the snapshot scan has started: we are a waiter
			}
			return byState("OK")(d)
		})
		if err != nil {
			t.Error(err)
		}
		got <- d
	}()
	within(t, registered, "Await registering as a waiter")
	ok := `{"alarm_id":"a","alarm_definition_id":"d","alarm_name":"n","alarm_description":"","alarm_timestamp":1,"state":"OK","old_state":"ALARM","message":"m","tenant_id":"t","metrics":[]}`
	post(r, "/tok", ok, nil)
	if d := within(t, got, "Await returning the later delivery"); d.Seq != 2 {
		t.Fatalf("Await returned seq %d, want 2", d.Seq)
	}
}

func TestAwaitReturnsTheContextError(t *testing.T) {
	r := newTestReceiver(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, err := r.Await(ctx, byState("OK"))
		errc <- err
	}()
	cancel()
	if err := within(t, errc, "Await returning after cancel"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled wrapped", err)
	}
}

func TestAwaitEndsWhenTheReceiverCloses(t *testing.T) {
	r := newTestReceiver(t, Options{})
	errc := make(chan error)
	go func() {
		_, err := r.Await(context.Background(), byState("OK"))
		errc <- err
	}()
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := within(t, errc, "Await returning after Close"); !errors.Is(err, ErrClosed) {
		t.Fatalf("err = %v, want ErrClosed", err)
	}
}
