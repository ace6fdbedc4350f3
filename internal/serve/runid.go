package serve

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"regexp"
	"strings"
	"sync"
)

// A serve instance marks every resource it creates with its instance id:
// run ids are the instance id (InstanceIDLength characters) followed by a
// random part, in the alphabet of every monhook run id (a-z, 2-7). So the
// marker monhook already writes (name and description, see `monhook
// cleanup`) also says which serve made it, and a restarted serve can sweep
// its own earlier leftovers without touching anyone else's.

// InstanceIDLength is the length of an instance id.
const InstanceIDLength = 4

var (
	instanceIDRE = regexp.MustCompile(`^[a-z2-7]{4}$`)
	runIDAlpha   = base32.StdEncoding.WithPadding(base32.NoPadding)
)

// ValidInstanceID reports whether id can prefix run ids.
func ValidInstanceID(id string) bool { return instanceIDRE.MatchString(id) }

// DeriveInstanceID is the default instance id: a hash of the receiver
// address, which stays the same across restarts (two serves on one host
// cannot share a receiver port). Not of --callback-url: changing where
// Monasca calls must not orphan the earlier process's leftovers. Replicas
// on different hosts share the id; the sweep's age rule keeps them off
// each other's runs in flight (sweep.go).
func DeriveInstanceID(receiverListen string) string {
	sum := sha256.Sum256([]byte(receiverListen))
	return strings.ToLower(runIDAlpha.EncodeToString(sum[:]))[:InstanceIDLength]
}

// runIDs hands out run ids of one instance, never two equal ones among the
// runs in flight (the random part is short: 20 bits).
type runIDs struct {
	instance string
	mu       sync.Mutex
	inUse    map[string]bool
}

func newRunIDs(instance string) *runIDs {
	return &runIDs{instance: instance, inUse: map[string]bool{}}
}

// next returns a fresh run id; release it when the run is over.
func (r *runIDs) next() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		b := make([]byte, 5)
		_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
		id := r.instance + strings.ToLower(runIDAlpha.EncodeToString(b))[:runIDLength-InstanceIDLength]
		if !r.inUse[id] {
			r.inUse[id] = true
			return id
		}
	}
}

// inFlight reports whether id is one of this process's runs in flight.
func (r *runIDs) inFlight(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.inUse[id]
}

func (r *runIDs) release(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.inUse, id)
}
