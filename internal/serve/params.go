package serve

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// probeQuery is what a /probe request asks for.
type probeQuery struct {
	scenario, cloud string
	hostname        string // agent scenarios: the host to watch; "" = preflight picks
	typ             string // webhook or email; "" = webhook
	debug           bool
}

// probeParamAliases maps blackbox_exporter's parameter names to serve's, so
// the relabelling configs people already have (__param_target,
// __param_module) work unchanged.
var probeParamAliases = map[string]string{"target": "cloud", "module": "scenario"}

// probeParamNames are every parameter /probe knows.
var probeParamNames = []string{"scenario", "module", "cloud", "target", "hostname", "type", "debug"}

// probeParams reads /probe's query. An unknown parameter is refused rather
// than ignored (a typo such as scenrio= would otherwise probe something
// else), and so are two different values for one parameter.
func probeParams(v url.Values) (probeQuery, error) {
	var q probeQuery
	got := map[string]string{}
	from := map[string]string{}
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		canon := k
		if a, ok := probeParamAliases[k]; ok {
			canon = a
		}
		switch canon {
		case "scenario", "cloud", "hostname", "type", "debug":
		default:
			return q, fmt.Errorf("unknown parameter %q (the parameters are %s)", k, strings.Join(probeParamNames, ", "))
		}
		for _, val := range v[k] {
			if prev, seen := got[canon]; seen && prev != val {
				return q, fmt.Errorf("parameters %s=%q and %s=%q disagree", from[canon], prev, k, val)
			}
			got[canon], from[canon] = val, k
		}
	}
	q.scenario, q.cloud, q.hostname, q.typ = got["scenario"], got["cloud"], got["hostname"], strings.ToLower(got["type"])
	switch got["debug"] {
	case "", "false":
	case "true":
		q.debug = true
	default:
		return q, fmt.Errorf("parameter debug=%q: want true or false", got["debug"])
	}
	return q, nil
}

// probeKey is the single-flight key of a /probe: concurrent scrapes of the
// same scenario on the same cloud share one run. The cloud is part of it:
// two clouds are two runs, each with its own result; so are the type and
// the agent host watched.
func probeKey(cloud, scenario, hostname, typ string) string {
	k := "probe\x00" + cloud + "\x00" + scenario
	if typ == TypeEmail {
		k += "\x00" + typ
	}
	if hostname != "" {
		k += "\x00host=" + hostname
	}
	return k
}
