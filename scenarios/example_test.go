package scenarios_test

import (
	"testing"

	"github.com/monhook/monhook/scenarios"
)

func TestShippedExampleScenarioLoadsAndRenders(t *testing.T) {
	sc, err := scenarios.LoadFile("../configs/scenario.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := sc.Render(scenarios.Vars{RunID: "abcdefgh"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Expression != "max(monhook.synthetic{monhook_run=abcdefgh}) > 50" {
		t.Errorf("rendered expression %q", r.Expression)
	}
}
