package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxScenarioSize bounds what Load reads; a scenario is a page of YAML.
const maxScenarioSize = 1 << 20

// Load reads one scenario document, strictly: unknown keys, duplicate
// keys, wrong types and invalid values are *ValidationError naming the key.
func Load(r io.Reader) (*Scenario, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxScenarioSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading scenario: %w", err)
	}
	if len(data) > maxScenarioSize {
		return nil, &ValidationError{Msg: "file is larger than 1 MiB"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ValidationError{Msg: "the document is empty"}
		}
		return nil, &ValidationError{Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &ValidationError{Msg: "one scenario per file: found a second YAML document"}
	}
	if len(doc.Content) == 0 {
		return nil, &ValidationError{Msg: "the document is empty"}
	}
	var s Scenario
	if err := decodeStrict(doc.Content[0], &s); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// LoadFile loads a scenario from a file (--scenario-file). The error keeps
// the *ValidationError reachable with errors.As.
func LoadFile(path string) (*Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}
