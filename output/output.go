// Package output is monhook's one printer. Every command's data goes to
// stdout through it: a table for people, or JSON or YAML for machines, so
// the formats and the table style are decided in one place (as gh's
// cmdutil exporter does). Status and progress are not data and go to
// stderr elsewhere.
//
// It is a public package because the public check/report renders its
// human view through it.
package output

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The formats of -o/--output.
const (
	Table = "table"
	JSON  = "json"
	YAML  = "yaml"
)

// Formats lists the accepted values of -o/--output, the default first.
var Formats = []string{Table, JSON, YAML}

// CheckFormat says what is wrong with a -o/--output value, or nil.
func CheckFormat(format string) error {
	if slices.Contains(Formats, format) {
		return nil
	}
	return fmt.Errorf("invalid value %q for -o/--output: want one of %s", format, strings.Join(Formats, ", "))
}

// Print writes v to w as JSON or YAML, or, for the table format, calls
// table, which draws the human view (and may draw nothing).
func Print(w io.Writer, format string, v any, table func(io.Writer) error) error {
	switch format {
	case JSON:
		return WriteJSON(w, v)
	case YAML:
		return WriteYAML(w, v)
	default:
		return table(w)
	}
}

// WriteJSON writes v as indented JSON. HTML is not escaped: details quote
// API answers and transitions ("ALARM -> OK"), and nothing embeds the
// output in HTML.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

// WriteYAML writes v as one YAML document with the same keys as JSON.
func WriteYAML(w io.Writer, v any) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("writing YAML: %w", err)
	}
	return nil
}
