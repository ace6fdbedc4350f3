package report

import (
	"encoding/json"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// WriteJSON writes the document as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Details quote API answers and transitions ("ALARM -> OK"); the
	// document is not embedded in HTML, so keep them readable.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r.normalized()); err != nil {
		return fmt.Errorf("writing JSON report: %w", err)
	}
	return nil
}

// WriteYAML writes the document as YAML, with the same keys as JSON.
func WriteYAML(w io.Writer, r *Report) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(r.normalized()); err != nil {
		return fmt.Errorf("writing YAML report: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("writing YAML report: %w", err)
	}
	return nil
}
