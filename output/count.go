package output

import "fmt"

// integer is what a count comes as (the receiver's counters are uint64).
type integer interface {
	~int | ~int32 | ~int64 | ~uint | ~uint32 | ~uint64
}

// Count writes n with the noun in the number it needs: "1 delivery",
// "2 deliveries", "0 strays".
func Count[N integer](n N, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprint(n) + " " + many
}
