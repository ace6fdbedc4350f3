package report

import (
	"io"

	"github.com/monhook/monhook/output"
)

// WriteJSON writes the document as indented JSON.
func WriteJSON(w io.Writer, r *Report) error { return output.WriteJSON(w, r.normalized()) }

// WriteYAML writes the document as YAML, with the same keys as JSON.
func WriteYAML(w io.Writer, r *Report) error { return output.WriteYAML(w, r.normalized()) }
