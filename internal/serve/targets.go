package serve

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// ParseTargets reads the scheduled targets from monhook's config file: the
// list under serve.targets (the rest of the file belongs to the flags and
// to other commands). Every problem names its key, e.g.
// serve.targets[2].interval.
//
//	serve:
//	  targets:
//	    - cloud: prod            # clouds.yaml entry; omitted = OS_* environment
//	      scenario: synthetic    # or scenario-file: /etc/monhook/my.yaml
//	      hostname: compute-1    # agent scenarios: the host to watch
//	      interval: 5m
//	      timeout: 3m
//	      name: prod-synthetic   # optional, default <cloud>/<scenario>[/email]
//	      forward-to: http://127.0.0.1:3001/   # optional: the consumer joins the verdict
//	      type: email            # optional, default webhook
//	      email-from: monasca@example.org      # type email: the sender to expect
func ParseTargets(data []byte) ([]Target, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &ConfigError{Key: "serve.targets", Msg: err.Error()}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	serve := mappingValue(doc.Content[0], "serve")
	if serve == nil {
		return nil, nil
	}
	list := mappingValue(serve, "targets")
	if list == nil || list.Tag == "!!null" {
		return nil, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, configErrorf("serve.targets", "want a list of targets (line %d)", list.Line)
	}
	out := make([]Target, 0, len(list.Content))
	for i, item := range list.Content {
		t, err := parseTarget(item, fmt.Sprintf("serve.targets[%d]", i))
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func parseTarget(n *yaml.Node, key string) (Target, error) {
	var t Target
	if n.Kind != yaml.MappingNode {
		return t, configErrorf(key, "want a mapping with cloud, scenario, interval, timeout (line %d)", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, n.Content[i+1]
		field := key + "." + k
		if v.Kind != yaml.ScalarNode {
			return t, configErrorf(field, "want a single value (line %d)", v.Line)
		}
		var err error
		switch k {
		case "name":
			t.Name = v.Value
		case "cloud":
			t.Cloud = v.Value
		case "scenario":
			t.Scenario = v.Value
		case "scenario-file":
			t.ScenarioFile = v.Value
		case "hostname":
			t.Hostname = v.Value
		case "interval":
			t.Interval, err = parseDuration(v.Value)
		case "timeout":
			t.Timeout, err = parseDuration(v.Value)
		case "forward-to":
			t.ForwardTo, err = parseForwardTo(v.Value)
		case "type":
			t.Type = strings.ToLower(v.Value)
		case "email-from":
			t.EmailFrom, err = parseEmailFrom(v.Value)
		default:
			return t, configErrorf(field, "unknown key (line %d); a target has name, cloud, scenario, scenario-file, hostname, interval, timeout, forward-to, type, email-from", n.Content[i].Line)
		}
		if err != nil {
			return t, configErrorf(field, "%q (line %d): %v", v.Value, v.Line, err)
		}
	}
	return t, nil
}

// parseEmailFrom checks a pinned sender as check --email-from does: a
// bare address.
func parseEmailFrom(s string) (string, error) {
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
		return "", fmt.Errorf("want a bare address such as monasca@example.org")
	}
	return s, nil
}

// parseForwardTo checks a consumer URL as check --forward-to does.
func parseForwardTo(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("want an http:// or https:// URL with a host, e.g. http://127.0.0.1:3001/")
	}
	return s, nil
}

func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("not a duration (want e.g. 30s, 5m, 1h)")
	}
	return d, nil
}

// mappingValue returns the value of key in a mapping node, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
