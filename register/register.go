// Package register points Monasca at a running receiver, the way `stripe
// listen` points Stripe at a laptop: it creates a WEBHOOK notification
// method whose address is the receiver's callback URL, named with monhook's
// marker so that `monhook cleanup` sweeps it after a crash, optionally adds
// it to a named alarm definition's actions, and Undo takes both back.
package register

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/monhook/monhook/marker"
	"github.com/monhook/monhook/openstack/monitoring/v2/alarmdefinitions"
	"github.com/monhook/monhook/openstack/monitoring/v2/features"
	"github.com/monhook/monhook/openstack/monitoring/v2/notificationmethods"
)

// States an attached method can be an action for.
const (
	OnAlarm        = "alarm"
	OnOK           = "ok"
	OnUndetermined = "undetermined"
)

// ErrNoDefinition is wrapped when no alarm definition has the given name.
var ErrNoDefinition = errors.New("no alarm definition with that name")

// Options say what to register.
type Options struct {
	// Address is the receiver's callback URL.
	Address string
	// Period is the method's re-send period: 0 or 60.
	Period int
	// Definition is the name of an alarm definition to attach the method to;
	// "" attaches nowhere.
	Definition string
	// On lists the states whose actions get the method (OnAlarm, OnOK,
	// OnUndetermined); empty means OnAlarm.
	On []string
	// RunID and Created make the marker; zero values mean a new run id and now.
	RunID   string
	Created time.Time
	// API is what the API showed of itself; nil makes Register detect it
	// (features.Detect) before creating anything.
	API *features.API
}

// Registration is what Register created; Undo removes it.
type Registration struct {
	MethodID   string
	MethodName string
	// API is what the API showed of itself (detected, or Options.API).
	API            features.API
	DefinitionID   string // "" when not attached
	DefinitionName string
	on             []string
	client         *gophercloud.ServiceClient
}

// Register looks the definition up first (so a wrong name creates nothing),
// creates the method, then attaches it. When attaching fails the method is
// deleted again.
func Register(ctx context.Context, c *gophercloud.ServiceClient, o Options) (*Registration, error) {
	on := o.On
	if len(on) == 0 {
		on = []string{OnAlarm}
	}
	for _, s := range on {
		if s != OnAlarm && s != OnOK && s != OnUndetermined {
			return nil, fmt.Errorf("register: %q is not a state to attach to (alarm, ok, undetermined)", s)
		}
	}
	r := &Registration{client: c, on: on}
	if o.API != nil {
		r.API = *o.API
	} else {
		api, err := features.Detect(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("asking the API what it supports: %w", err)
		}
		r.API = api
	}
	// A period the API lacks is refused before anything is created.
	if o.Period != 0 {
		if err := r.API.Require(features.Period, fmt.Sprintf("a notification method with period %d", o.Period)); err != nil {
			return nil, err
		}
	}
	var def *alarmdefinitions.AlarmDefinition
	if o.Definition != "" {
		d, err := findDefinition(ctx, c, o.Definition)
		if err != nil {
			return nil, err
		}
		def = d
		r.DefinitionName = d.Name
	}
	runID, created := o.RunID, o.Created
	if runID == "" {
		runID = marker.NewRunID()
	}
	if created.IsZero() {
		created = time.Now()
	}
	r.MethodName = marker.MethodName(runID, created)
	m, err := features.CreateMethod(ctx, c, &r.API, notificationmethods.CreateOpts{
		Name: r.MethodName, Type: "WEBHOOK", Address: o.Address,
	}, o.Period)
	var missing *features.MissingError
	if errors.As(err, &missing) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("creating the notification method: %w", err)
	}
	r.MethodID = m.ID
	if def != nil {
		if err := r.attach(ctx, def); err != nil {
			_ = marker.Delete(ctx, c, marker.KindNotificationMethod, r.MethodID)
			return nil, fmt.Errorf("adding the method to %q's actions: %w", def.Name, err)
		}
		r.DefinitionID = def.ID
	}
	return r, nil
}

// findDefinition returns the one definition named name (Monasca keeps names
// unique per project).
func findDefinition(ctx context.Context, c *gophercloud.ServiceClient, name string) (*alarmdefinitions.AlarmDefinition, error) {
	pages, err := alarmdefinitions.List(c, alarmdefinitions.ListOpts{Name: name}).AllPages(ctx)
	if err != nil {
		return nil, fmt.Errorf("looking up alarm definition %q: %w", name, err)
	}
	defs, err := alarmdefinitions.ExtractAlarmDefinitions(pages)
	if err != nil {
		return nil, err
	}
	for i := range defs {
		if defs[i].Name == name {
			return &defs[i], nil
		}
	}
	return nil, fmt.Errorf("%w: %q in this project", ErrNoDefinition, name)
}

// actionLists returns pointers to the definition's action lists for states.
func actionLists(d *alarmdefinitions.AlarmDefinition, states []string) map[string]*[]string {
	all := map[string]*[]string{OnAlarm: &d.AlarmActions, OnOK: &d.OKActions, OnUndetermined: &d.UndeterminedActions}
	out := map[string]*[]string{}
	for _, s := range states {
		out[s] = all[s]
	}
	return out
}

func patchFor(lists map[string]*[]string) alarmdefinitions.PatchOpts {
	var p alarmdefinitions.PatchOpts
	for s, l := range lists {
		v := append([]string{}, *l...) // never nil: an empty list clears
		switch s {
		case OnAlarm:
			p.AlarmActions = &v
		case OnOK:
			p.OKActions = &v
		case OnUndetermined:
			p.UndeterminedActions = &v
		}
	}
	return p
}

func (r *Registration) attach(ctx context.Context, d *alarmdefinitions.AlarmDefinition) error {
	lists := actionLists(d, r.on)
	for _, l := range lists {
		if !slices.Contains(*l, r.MethodID) {
			*l = append(*l, r.MethodID)
		}
	}
	return alarmdefinitions.Patch(ctx, r.client, d.ID, patchFor(lists)).Err
}

// Undo detaches the method and deletes it. Something already gone counts
// as removed. Both steps are tried; errors are joined.
func (r *Registration) Undo(ctx context.Context) error {
	errs := []error{r.Detach(ctx)}
	if err := marker.Delete(ctx, r.client, marker.KindNotificationMethod, r.MethodID); err != nil {
		errs = append(errs, fmt.Errorf("deleting notification method %s (%s): %w", r.MethodID, r.MethodName, err))
	}
	return errors.Join(errs...)
}

// Detach takes the method out of the definition's actions, re-read now so
// that changes others made meanwhile stay. Monasca would also drop the
// action when the method is deleted; detaching first keeps the definition
// right even when that delete fails.
func (r *Registration) Detach(ctx context.Context) error {
	if r.DefinitionID == "" {
		return nil
	}
	d, err := alarmdefinitions.Get(ctx, r.client, r.DefinitionID).Extract()
	if gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading alarm definition %q: %w", r.DefinitionName, err)
	}
	lists := actionLists(d, r.on)
	for _, l := range lists {
		*l = slices.DeleteFunc(*l, func(id string) bool { return id == r.MethodID })
	}
	err = alarmdefinitions.Patch(ctx, r.client, d.ID, patchFor(lists)).Err
	if err != nil && !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		return fmt.Errorf("restoring alarm definition %q's actions: %w", r.DefinitionName, err)
	}
	return nil
}
