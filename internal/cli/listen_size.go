package cli

import (
	"fmt"
	"math"

	"github.com/dustin/go-humanize"
)

// parseSize reads a size as go-humanize does: "1048576", "100MiB" (powers of
// 1024), "100MB" or "100M" (powers of 1000), fractions such as "1.5GiB".
func parseSize(s string) (int64, error) {
	v, err := humanize.ParseBytes(s)
	if err != nil || v > math.MaxInt64 {
		return 0, fmt.Errorf("%q is not a size such as 100MiB", s)
	}
	return int64(v), nil
}
