package serve

import (
	"strconv"
	"strings"

	dto "github.com/prometheus/client_model/go"
)

// labelText renders {a="1",b="2"} for the debug page.
func labelText(ls []*dto.LabelPair) string {
	if len(ls) == 0 {
		return ""
	}
	parts := make([]string, 0, len(ls))
	for _, l := range ls {
		parts = append(parts, l.GetName()+"="+strconv.Quote(l.GetValue()))
	}
	return "{" + strings.Join(parts, ",") + "}"
}
