package output_test

import (
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/monhook/monhook/output"
)

func TestJSONToYAMLKeepsOrderAndIntegers(t *testing.T) {
	got, err := output.JSONToYAML([]byte(`{"z": 1556703552, "a": [1.5, null, true, "x: y"], "m": {"id": null, "name": "cpu"}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := "z: 1556703552\na:\n  - 1.5\n  - null\n  - true\n  - 'x: y'\nm:\n  id: null\n  name: cpu\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	var back map[string]any
	if err := yaml.Unmarshal(got, &back); err != nil || back["z"] != 1556703552 {
		t.Errorf("round trip: %v %v", back, err)
	}
	if _, err := output.JSONToYAML([]byte(`{"a":`)); err == nil {
		t.Error("truncated JSON accepted")
	}
}
