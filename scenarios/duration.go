package scenarios

import (
	"errors"
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"
)

// Duration is a time.Duration written as text ("30s", "2m", "1m30s") in
// YAML and JSON. A bare number is refused: "30" could mean seconds or
// nanoseconds, and a scenario author should not have to guess.
type Duration time.Duration

// Duration returns d as a time.Duration.
func (d Duration) Duration() time.Duration { return time.Duration(d) }

// String formats d like time.Duration ("1m30s").
func (d Duration) String() string { return time.Duration(d).String() }

// ParseDuration parses text such as "30s" or "2m"; negative durations are
// refused.
func ParseDuration(s string) (Duration, error) {
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (write it like 30s, 2m or 1m30s)", s)
	}
	if v < 0 {
		return 0, fmt.Errorf("duration %s is negative", s)
	}
	return Duration(v), nil
}

// UnmarshalYAML accepts a scalar duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		if n.Kind == yaml.ScalarNode && (n.Tag == "!!int" || n.Tag == "!!float") {
			return fmt.Errorf("%s has no unit (write it like 30s, 2m or 1m30s)", n.Value)
		}
		return errors.New("expected a duration such as 30s or 2m")
	}
	v, err := ParseDuration(n.Value)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalYAML writes the duration as text.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// MarshalText writes the duration as text (used by encoding/json too).
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses text such as "30s".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
