package scenarios

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// decodeStrict decodes node into the value v points to, walking the node
// tree itself so that every unknown key, duplicate key and type mismatch is
// reported with its path ("expect[1].state"). yaml's own KnownFields mode
// only gives a line number, and the CLI must name the key.
func decodeStrict(node *yaml.Node, v any) error {
	return decodeValue(node, reflect.ValueOf(v).Elem(), "")
}

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

func decodeValue(n *yaml.Node, v reflect.Value, path string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		v.SetZero()
		return nil
	}
	if reflect.PointerTo(v.Type()).Implements(unmarshalerType) {
		if err := n.Decode(v.Addr().Interface()); err != nil {
			return invalid(path, err)
		}
		return nil
	}
	switch v.Kind() {
	case reflect.Struct:
		return decodeStruct(n, v, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return &ValidationError{Key: path, Msg: "expected a list, found " + describe(n)}
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		var errs []error
		for i, item := range n.Content {
			errs = append(errs, decodeValue(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i)))
		}
		v.Set(s)
		return errors.Join(errs...)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return &ValidationError{Key: path, Msg: "expected a mapping, found " + describe(n)}
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		var errs []error
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			key := join(path, k.Value)
			if k.Kind != yaml.ScalarNode {
				errs = append(errs, &ValidationError{Key: path, Msg: "keys must be plain strings"})
				continue
			}
			if m.MapIndex(reflect.ValueOf(k.Value)).IsValid() {
				errs = append(errs, &ValidationError{Key: key, Msg: "key is given twice"})
				continue
			}
			elem := reflect.New(v.Type().Elem()).Elem()
			if err := decodeValue(val, elem, key); err != nil {
				errs = append(errs, err)
				continue
			}
			m.SetMapIndex(reflect.ValueOf(k.Value), elem)
		}
		v.Set(m)
		return errors.Join(errs...)
	default:
		return decodeScalar(n, v, path)
	}
}

func decodeStruct(n *yaml.Node, v reflect.Value, path string) error {
	if n.Kind != yaml.MappingNode {
		return &ValidationError{Key: path, Msg: "expected a mapping, found " + describe(n)}
	}
	fields := map[string]int{}
	var names []string
	for i := 0; i < v.NumField(); i++ {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		fields[name] = i
		names = append(names, name)
	}
	// Every problem of the mapping is collected (errors.Join; errors.As
	// still finds the first *ValidationError), so a file with two typos is
	// fixed in one go.
	seen := map[string]bool{}
	var errs []error
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		key := join(path, k.Value)
		idx, ok := fields[k.Value]
		if !ok {
			errs = append(errs, &ValidationError{Key: key, Msg: "unknown key (known: " + strings.Join(names, ", ") + ")"})
			continue
		}
		if seen[k.Value] {
			errs = append(errs, &ValidationError{Key: key, Msg: "key is given twice"})
			continue
		}
		seen[k.Value] = true
		errs = append(errs, decodeValue(val, v.Field(idx), key))
	}
	return errors.Join(errs...)
}

// decodeScalar lets yaml convert a scalar (with its usual rules: "1.5" to
// float, true to bool) but refuses quietly stringified non-strings, so
// `name: 12` or `count: "2"` are errors rather than guesses.
func decodeScalar(n *yaml.Node, v reflect.Value, path string) error {
	if n.Kind != yaml.ScalarNode {
		return &ValidationError{Key: path, Msg: fmt.Sprintf("expected %s, found %s", kindName(v.Kind()), describe(n))}
	}
	if v.Kind() == reflect.String && n.Tag != "!!str" {
		return &ValidationError{Key: path, Msg: fmt.Sprintf("expected a string, found %s (quote it)", describe(n))}
	}
	// yaml.v3 still reads YAML 1.1 spellings (yes, on) into bools, and
	// quoted numbers into numbers; a scenario says exactly what it means.
	wantTags := map[reflect.Kind][]string{
		reflect.Bool:    {"!!bool"},
		reflect.Int:     {"!!int"},
		reflect.Float64: {"!!int", "!!float"},
	}
	if tags, ok := wantTags[v.Kind()]; ok && !slices.Contains(tags, n.Tag) {
		return &ValidationError{Key: path, Msg: fmt.Sprintf("expected %s, found %s", kindName(v.Kind()), describe(n))}
	}
	if err := n.Decode(v.Addr().Interface()); err != nil {
		return &ValidationError{Key: path, Msg: fmt.Sprintf("expected %s, found %s", kindName(v.Kind()), describe(n))}
	}
	return nil
}

func invalid(path string, err error) error {
	msg := err.Error()
	// yaml prefixes its own errors; the key already says where.
	msg = strings.TrimPrefix(msg, "yaml: ")
	return &ValidationError{Key: path, Msg: msg}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

func kindName(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.String:
		return "a string"
	}
	return "a " + k.String()
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
