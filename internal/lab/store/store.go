// Package store is the lab's in-memory state: notification methods, alarm
// definitions, alarms, their state history, and measurements. It implements
// model.Store (for the threshold and notification engines) and
// model.MetricSink (for the simulated agents), and publishes the Bus events
// the real API would send to Kafka. Tenancy is enforced here: every
// tenant-facing lookup takes the tenant id, and another tenant's id is simply
// not found, as in Monasca's SQL.
//
// The store checks integrity (duplicate names, unknown ids, action ids that
// do not exist); request validation belongs to the API.
package store

import (
	"errors"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/monhook/monhook/internal/clock"
	"github.com/monhook/monhook/internal/lab/model"
)

// ErrNotFound is returned for an unknown id or one owned by another tenant.
var ErrNotFound = errors.New("not found")

// ConflictError is Monasca's AlreadyExistsException (409).
type ConflictError struct{ Msg string }

func (e *ConflictError) Error() string { return e.Msg }

// InvalidUpdateError is Monasca's InvalidUpdateException (422).
type InvalidUpdateError struct{ Msg string }

func (e *InvalidUpdateError) Error() string { return e.Msg }

// DefaultNotificationTypes is what monasca-notification registers with its
// default plugin list (email, pagerduty, webhook).
var DefaultNotificationTypes = []string{"EMAIL", "PAGERDUTY", "WEBHOOK"}

// Options configure a Store.
type Options struct {
	Bus   model.Bus   // required
	Clock clock.Clock // nil = real
	// NotificationTypes overrides DefaultNotificationTypes; an empty non-nil
	// slice models a deployment where monasca-notification never ran.
	NotificationTypes []string
	// MaxPointsPerSeries bounds memory; older measurements are dropped.
	MaxPointsPerSeries int
}

// Store is safe for concurrent use. Every getter returns copies.
type Store struct {
	bus       model.Bus
	clock     clock.Clock
	maxPoints int

	mu      sync.RWMutex
	types   []string
	methods map[string]model.NotificationMethod
	defs    map[string]model.AlarmDefinition
	alarms  map[string]model.Alarm
	history []HistoryEntry
	series  map[string]*series
}

var (
	_ model.Store      = (*Store)(nil)
	_ model.MetricSink = (*Store)(nil)
)

// New returns an empty store.
func New(opts Options) *Store {
	if opts.Clock == nil {
		opts.Clock = clock.Real{}
	}
	types := opts.NotificationTypes
	if types == nil {
		types = DefaultNotificationTypes
	}
	if opts.MaxPointsPerSeries <= 0 {
		opts.MaxPointsPerSeries = 20000
	}
	return &Store{
		bus:       opts.Bus,
		clock:     opts.Clock,
		maxPoints: opts.MaxPointsPerSeries,
		types:     append([]string(nil), types...),
		methods:   make(map[string]model.NotificationMethod),
		defs:      make(map[string]model.AlarmDefinition),
		alarms:    make(map[string]model.Alarm),
		series:    make(map[string]*series),
	}
}

// Bus returns the bus the store publishes on.
func (s *Store) Bus() model.Bus { return s.bus }

// Now is the store's clock, so the API stamps with the same time.
func (s *Store) Now() time.Time { return s.clock.Now() }

func newID() string { return uuid.NewString() }

func (s *Store) publish(events ...any) {
	for _, e := range events {
		s.bus.Publish(e)
	}
}
