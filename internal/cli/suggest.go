package cli

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/monhook/monhook/scenarios"
)

// suggestions returns the candidates close to s: those it is a prefix of,
// and those within an edit distance of 2 (or a third of its length), best
// first. This is what cobra does for subcommands, extended to flags and
// scenario names.
func suggestions(s string, candidates []string) []string {
	type scored struct {
		name string
		d    int
	}
	limit := max(2, len(s)/3)
	var hits []scored
	for _, c := range candidates {
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		if d <= limit || (len(s) >= 2 && strings.HasPrefix(c, s)) {
			hits = append(hits, scored{c, d})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].d < hits[j].d })
	out := make([]string, 0, len(hits))
	for _, h := range hits {
		if h.name != s {
			out = append(out, h.name)
		}
	}
	return out
}

// editDistance is the Levenshtein distance (insert, delete, substitute).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// didYouMean formats suggestions the way cobra does for commands.
func didYouMean(prefix string, names []string) string {
	if len(names) == 0 {
		return ""
	}
	for i, n := range names {
		names[i] = prefix + n
	}
	return "\nDid you mean " + strings.Join(names, " or ") + "?"
}

// flagError is the root's flag error func: a usage error (exit 2), with a
// suggestion for a misspelt flag.
func flagError(c *cobra.Command, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "unknown flag: --"); ok {
		var names []string
		c.Flags().VisitAll(func(fl *pflag.Flag) {
			if !fl.Hidden {
				names = append(names, fl.Name)
			}
		})
		msg += didYouMean("--", suggestions(name, names))
	}
	return usageErrorf("%s\nRun '%s --help' for usage.", msg, c.CommandPath())
}

// scenarioSuggestion adds "Did you mean ...?" to an unknown built-in
// scenario's error.
func scenarioSuggestion(err error, name string) error {
	if !errors.Is(err, scenarios.ErrUnknownScenario) {
		return err
	}
	var names []string
	for _, s := range scenarios.Builtins() {
		names = append(names, s.Name)
	}
	if hint := didYouMean("", suggestions(name, names)); hint != "" {
		return fmt.Errorf("%w%s", err, hint)
	}
	return err
}
