package scenarios

import (
	"embed"
	"errors"
	"fmt"
	"strings"
	"sync"
)

//go:embed builtin/*.yaml
var builtinFS embed.FS

// Default is the scenario `monhook check` runs without --scenario.
const Default = "cpu-idle"

// builtinOrder is the listing order of `monhook scenarios`: the default
// first, then from the fastest and simplest to the slowest.
var builtinOrder = []string{"cpu-idle", "synthetic", "ok-cycle", "api-state", "periodic", "retry"}

// ErrUnknownScenario is returned (wrapped) by Builtin for a name that is
// not built in.
var ErrUnknownScenario = errors.New("unknown scenario")

// builtins parses the embedded files once. They are part of the binary, so
// a file that does not load is a programming error (and a failing test).
var builtins = sync.OnceValue(func() map[string]*Scenario {
	m := make(map[string]*Scenario, len(builtinOrder))
	for _, name := range builtinOrder {
		f, err := builtinFS.Open("builtin/" + name + ".yaml")
		if err != nil {
			panic(fmt.Sprintf("scenarios: built-in %s: %v", name, err))
		}
		s, err := Load(f)
		f.Close()
		if err != nil {
			panic(fmt.Sprintf("scenarios: built-in %s: %v", name, err))
		}
		if s.Name != name {
			panic(fmt.Sprintf("scenarios: built-in file %s.yaml is named %q", name, s.Name))
		}
		m[name] = s
	}
	return m
})

// Builtin returns a copy of the named built-in scenario.
func Builtin(name string) (*Scenario, error) {
	s, ok := builtins()[name]
	if !ok {
		return nil, fmt.Errorf("%w %q (built-in: %s)", ErrUnknownScenario, name, strings.Join(builtinOrder, ", "))
	}
	return s.Clone(), nil
}

// Builtins returns copies of every built-in scenario, the default first.
func Builtins() []*Scenario {
	m := builtins()
	out := make([]*Scenario, 0, len(builtinOrder))
	for _, name := range builtinOrder {
		out = append(out, m[name].Clone())
	}
	return out
}

// Clone returns a deep copy, so callers may adjust a scenario (flags,
// Scaled) without touching the shared built-ins.
func (s *Scenario) Clone() *Scenario {
	c := *s
	c.MatchBy = cloneSlice(s.MatchBy)
	c.Metric.Values = cloneSlice(s.Metric.Values)
	c.Expect = cloneSlice(s.Expect)
	c.Metric.Dimensions = cloneMap(s.Metric.Dimensions)
	c.Budgets = cloneMap(s.Budgets)
	return &c
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	c := make(map[K]V, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
